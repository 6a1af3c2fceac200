// Regenerates the embedded shell programs from their .sh files: src/portal/program.sh → program-text.ts,
// home-hook.sh → home-hook-text.ts and directory-failover.sh → directory-failover-text.ts. The programs stay real .sh files (editable, shellcheck-able) while the
// package ships them as strings (no I/O at render time). A test fails when they differ.
// Usage: node scripts/embed-program.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const embed = (source, target, name) => {
  const text = readFileSync(new URL(`../src/portal/${source}`, import.meta.url), 'utf8');
  writeFileSync(
    new URL(`../src/portal/${target}`, import.meta.url),
    `// Generated from ${source} by scripts/embed-program.mjs; edit ${source}, then run the script.\n` +
      `export const ${name} = ${JSON.stringify(text)};\n`,
  );
};
embed('program.sh', 'program-text.ts', 'OOD_BOOTSTRAP_PROGRAM');
embed('home-hook.sh', 'home-hook-text.ts', 'OOD_HOME_HOOK_PROGRAM');
embed('directory-failover.sh', 'directory-failover-text.ts', 'OOD_DIRECTORY_FAILOVER_STEP');
