/**
 * Build-time only: the files generated from the TypeBox schema, so that loading a config needs neither TypeBox nor
 * an ajv compile at run time — `hpc-ha validate` starts several times faster.
 */
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { standaloneValidatorModule, type GeneratedFile } from '../../../tools/codegen/ajv-standalone.js';
import { AJV_OPTIONS } from '../src/config/ajv-options.js';
import { deploymentConfigJsonSchema } from '../src/config/schema.js';

export function generatedFiles(): GeneratedFile[] {
  const schema = deploymentConfigJsonSchema();
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true, lines: true } });
  return [
    { path: 'schema/hpc-ha.schema.json', content: `${JSON.stringify(schema, null, 2)}\n` },
    {
      path: 'src/config/generated/validate-deployment-config.ts',
      content: standaloneValidatorModule(
        standaloneCode.default(ajv, ajv.compile(schema)),
        '`nx run infra:build` (scripts/codegen.ts) from the TypeBox schema',
      ),
    },
  ];
}
