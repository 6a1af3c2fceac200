import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function loadWithCdkDenied(entry: string, code: string): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', '--import', here('../../test/fixtures/deny-cdk.mjs'), '--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); ${code}`],
    { encoding: 'utf8', cwd: here('../..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('@hpc-ha/infra/config', () => {
  it('loads and validates a config without resolving aws-cdk-lib, constructs or cdk-nag', () => {
    const out = loadWithCdkDenied(here('./index.ts'), `const c = m.loadDeploymentConfig(${JSON.stringify(here('../../../../examples/cn-north-1.yaml'))}); console.log(c.partition);`);
    expect(out.trim()).toBe('aws-cn');
  });

  it('the guard itself trips when aws-cdk-lib is imported', () => {
    expect(() => loadWithCdkDenied('aws-cdk-lib', '')).toThrow(/HPC_HA_CDK_LOADED aws-cdk-lib/);
  });
});
