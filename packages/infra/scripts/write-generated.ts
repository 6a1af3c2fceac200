// Writes the files generated from the config schema (run by `nx run infra:build` before tsc).
import { writeGeneratedFiles } from '../../../tools/codegen/ajv-standalone.js';
import { generatedFiles } from './codegen.js';

writeGeneratedFiles(new URL('../', import.meta.url), generatedFiles());
