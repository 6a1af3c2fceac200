// Regenerates src/portal/program-text.ts from src/portal/program.sh: the program stays a real .sh file (editable,
// shellcheck-able) while the package ships it as a string (no I/O at render time). A test fails when they differ.
// Usage: node scripts/embed-program.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const text = readFileSync(new URL('../src/portal/program.sh', import.meta.url), 'utf8');
writeFileSync(
  new URL('../src/portal/program-text.ts', import.meta.url),
  '// Generated from program.sh by scripts/embed-program.mjs; edit program.sh, then run the script.\n' +
    `export const OOD_BOOTSTRAP_PROGRAM = ${JSON.stringify(text)};\n`,
);
