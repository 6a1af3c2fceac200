import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, REPO_ROOT, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HOOK = join(PACKAGE_ROOT, 'test/fixtures/record-modules.mjs');
let n = 0;

/** Every module URL/path the child loaded, recorded by an ESM resolve hook plus the CommonJS cache at exit. */
async function modulesLoadedBy(args: string[]): Promise<{ code: number | null; modules: string[] }> {
  const log = join(dir, `modules-${n++}.log`);
  const r = await runCli(args, { nodeArgs: ['--import', HOOK], env: { HPC_HA_MODULE_LOG: log } });
  return { code: r.code, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

const cdkLib = (m: string) => /node_modules\/aws-cdk-lib\//.test(m);
const awsSdk = (m: string) => /node_modules\/@aws-sdk\//.test(m);
const toolkit = (m: string) => /node_modules\/@aws-cdk\/toolkit-lib\//.test(m);

describe('start-up cost: heavy modules load only in the commands that need them', () => {
  it('the recorder sees aws-cdk-lib when a process does load it (control)', () => {
    const log = join(dir, 'control.log');
    const r = spawnSync(process.execPath, ['--import', HOOK, '--input-type=module', '-e', "await import('aws-cdk-lib')"], {
      cwd: REPO_ROOT,
      env: { ...process.env, HPC_HA_MODULE_LOG: log },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(readFileSync(log, 'utf8').split('\n').some(cdkLib)).toBe(true);
  });

  it('validate never loads aws-cdk-lib, the CDK toolkit or the AWS SDK', async () => {
    const { code, modules } = await modulesLoadedBy(['validate', '-c', `${EXAMPLES}/cn-north-1.yaml`]);
    expect(code).toBe(0);
    expect(modules.some((m) => m.includes('/infra/dist/config/'))).toBe(true); // it did load the loader
    expect(modules.filter(cdkLib)).toEqual([]);
    expect(modules.filter(toolkit)).toEqual([]);
    expect(modules.filter(awsSdk)).toEqual([]);
  });

  it('--help loads neither aws-cdk-lib nor the config loader', async () => {
    const { code, modules } = await modulesLoadedBy(['--help']);
    expect(code).toBe(0);
    expect(modules.filter(cdkLib)).toEqual([]);
    expect(modules.filter(awsSdk)).toEqual([]);
    expect(modules.some((m) => m.includes('ajv'))).toBe(false);
  });
});
