// Regenerates src/portal-step-text.ts from src/portal-step.sh, so the step stays a real .sh file (editable,
// shellcheck-able) while the package ships it as a string (no I/O at render time). A test fails when they differ.
// Usage: node scripts/embed-step.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const text = readFileSync(new URL('../src/portal-step.sh', import.meta.url), 'utf8');
writeFileSync(
  new URL('../src/portal-step-text.ts', import.meta.url),
  '// Generated from portal-step.sh by scripts/embed-step.mjs; edit portal-step.sh, then run the script.\n' +
    `export const SSSD_PORTAL_STEP = ${JSON.stringify(text)};\n`,
);
