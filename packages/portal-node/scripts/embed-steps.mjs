// Regenerates src/node-steps-text.ts from src/node-steps.sh, so the library stays a real .sh file (editable,
// shellcheck-able) while the package ships it as a string (no I/O at render time). A test fails when they differ.
// Usage: node scripts/embed-steps.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const text = readFileSync(new URL('../src/node-steps.sh', import.meta.url), 'utf8');
writeFileSync(
  new URL('../src/node-steps-text.ts', import.meta.url),
  '// Generated from node-steps.sh by scripts/embed-steps.mjs; edit node-steps.sh, then run the script.\n' +
    `export const NODE_STEPS = ${JSON.stringify(text)};\n`,
);
