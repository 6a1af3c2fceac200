// Writes ajv's standalone validators for the package's schemas (run by `nx run pcluster-config:build` before tsc).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generatedFiles } from '../src/validate/codegen.js';

for (const file of generatedFiles()) {
  const target = new URL(`../${file.path}`, import.meta.url);
  mkdirSync(dirname(target.pathname), { recursive: true });
  writeFileSync(target, file.content);
}
