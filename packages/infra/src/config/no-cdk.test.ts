import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CDK_MODULES, importDenying } from '../../../../tools/test-harness/deny-modules.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function loadWithCdkDenied(entry: string, code: string, alsoDeny: string[] = []): string {
  return importDenying({ deny: [...CDK_MODULES, ...alsoDeny], entry, code, cwd: here('../..') });
}

describe('@hpc-ha/infra/config', () => {
  it('loads and validates a config without resolving aws-cdk-lib, constructs, cdk-nag, TypeBox or the ajv compiler', () => {
    const out = loadWithCdkDenied(
      here('./index.ts'),
      `const c = m.loadDeploymentConfig(${JSON.stringify(here('../../../../examples/cn-north-1.yaml'))}); console.log(c.partition);`,
      ['@sinclair/typebox', '@sinclair/typebox/*', 'ajv', 'ajv/dist/compile/*', 'ajv/dist/standalone/*', 'ajv-formats'],
    );
    expect(out.trim()).toBe('aws-cn');
  });

  it('the guard itself trips when a denied module is imported', () => {
    expect(() => loadWithCdkDenied('aws-cdk-lib', '')).toThrow(/HPC_HA_DENIED_MODULE aws-cdk-lib/);
    expect(() => loadWithCdkDenied(here('./schema.ts'), '', ['@sinclair/typebox'])).toThrow(/HPC_HA_DENIED_MODULE @sinclair\/typebox/);
  });
});
