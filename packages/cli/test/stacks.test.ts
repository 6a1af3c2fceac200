import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const moto = useMoto({ resetEach: true });
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-stacks-'));
const app = join(dir, 'two-stack.out');

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/two-stack-app.mjs'), app], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`two-stack app failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function live(): Promise<string[]> {
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const r = await cfn.send(new ListStacksCommand({}));
  return (r.StackSummaries ?? []).filter((s) => s.StackStatus !== 'DELETE_COMPLETE').map((s) => s.StackName!).sort();
}

// deploy with --skip-preflight: moto has no EC2 offerings for China regions; the preflight has its own tests.
const cdk = (command: 'deploy' | 'destroy', ...args: string[]) =>
  runCli([command, ...(command === 'deploy' ? ['--skip-preflight', '--method', 'direct'] : ['--yes']), ...args, '-c', CONFIG, '--app', app], { env: motoEnv(moto.server!.endpoint), timeoutMs: 60_000 });

describe('--stacks with dependencies (EnginFrame depends on VPC), against moto_server', () => {
  it('deploy --stacks EnginFrame also deploys VPC, which it depends on, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await cdk('deploy', '--stacks', 'EnginFrame');
    expect(r.code, r.stderr).toBe(0);
    expect(await live()).toEqual(['hpcha-EnginFrame', 'hpcha-VPC']);
  });

  it('deploy --stacks EnginFrame --exclusively deploys only EnginFrame', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await cdk('deploy', '--stacks', 'hpcha-EnginFrame', '--exclusively');
    expect(r.code, r.stderr).toBe(0);
    expect(await live()).toEqual(['hpcha-EnginFrame']);
  });

  it('destroy --stacks VPC also destroys EnginFrame, which depends on it; -e keeps it', async (ctx) => {
    if (!moto.server) return ctx.skip();
    expect((await cdk('deploy')).code).toBe(0);
    const only = await cdk('destroy', '--stacks', 'VPC', '-e');
    expect(only.code, only.stderr).toBe(0);
    expect(await live()).toEqual(['hpcha-EnginFrame']);

    expect((await cdk('deploy')).code).toBe(0);
    const both = await cdk('destroy', '--stacks', 'VPC');
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain('✓ destroyed 2 stacks of hpcha');
    expect(await live()).toEqual([]);
  });
});
