// Writes ajv's standalone validators for the package's schemas (run by `nx run pcluster-config:build` before tsc).
import { writeGeneratedFiles } from '../../../tools/codegen/ajv-standalone.js';
import { generatedFiles } from './codegen.js';

writeGeneratedFiles(new URL('../', import.meta.url), generatedFiles());
