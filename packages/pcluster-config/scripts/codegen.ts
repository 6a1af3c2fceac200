/**
 * Build-time only (the library never imports it): ajv's standalone code for the two schemas, so that validating a
 * config or a ClusterSpec compiles nothing at run time and does not load the ajv compiler or ajv-formats.
 */
import standaloneCode from 'ajv/dist/standalone/index.js';
import type { TSchema } from '@sinclair/typebox';
import { standaloneValidatorModule, type GeneratedFile } from '../../../tools/codegen/ajv-standalone.js';
import { ClusterConfigSchema } from '../src/schema/cluster.js';
import { ClusterSpecSchema } from '../src/spec/cluster-spec.js';
import { createAjv } from '../src/validate/ajv.js';

function validatorFile(path: string, schemaName: string, schema: TSchema, useDefaults: boolean): GeneratedFile {
  const ajv = createAjv({ useDefaults, standalone: true });
  return {
    path,
    content: standaloneValidatorModule(
      standaloneCode.default(ajv, ajv.compile(schema)),
      `\`nx run pcluster-config:build\` (scripts/codegen.ts) from ${schemaName}`,
    ),
  };
}

export function generatedFiles(): GeneratedFile[] {
  return [
    validatorFile('src/generated/validate-cluster-config.ts', 'ClusterConfigSchema', ClusterConfigSchema, false),
    validatorFile('src/generated/validate-cluster-spec.ts', 'ClusterSpecSchema (defaults filled in)', ClusterSpecSchema, true),
  ];
}
