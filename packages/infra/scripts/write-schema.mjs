// Writes the published JSON Schema of hpc-ha.yaml from the compiled TypeBox definition (run by `nx run infra:build`).
import { writeFileSync } from 'node:fs';
import { deploymentConfigJsonSchema } from '../dist/config/schema.js';

const target = new URL('../schema/hpc-ha.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(deploymentConfigJsonSchema(), null, 2)}\n`);
