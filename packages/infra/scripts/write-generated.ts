// Writes the files generated from the config schema (run by `nx run infra:build` before tsc).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatedFiles } from '../src/config/codegen.js';

for (const file of generatedFiles()) {
  const target = new URL(`../${file.path}`, import.meta.url);
  mkdirSync(dirname(target.pathname), { recursive: true });
  writeFileSync(target, file.content);
}
