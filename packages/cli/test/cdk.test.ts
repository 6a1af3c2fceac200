import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-cdk-'));
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const synthOut = join(dir, 'cdk.out');
const oneStack = join(dir, 'one-stack.out');
const moto = useMoto();

beforeAll(async () => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), oneStack], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`one-stack app failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hpc-ha synth / diff / deploy / destroy (through @aws-cdk/toolkit-lib)', () => {
  // The one full synth of this package's tests (it takes ~10-20 s); diff below reuses its output.
  it('synth works offline without credentials: every stack template in --out, exit 0', async () => {
    const r = await runCli(['synth', '-c', CONFIG, '--out', synthOut], { timeoutMs: 120_000 });
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    for (const id of ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB', 'Clusters', 'EnginFrame']) {
      expect(r.stdout).toContain(`✓ hpcha-${id}  ${join(synthOut, `${id}.template.json`)}`);
      expect(existsSync(join(synthOut, `${id}.template.json`))).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(synthOut, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { properties?: { stackName?: string } }> };
    expect(manifest.artifacts['EnginFrame']?.properties?.stackName).toBe('hpcha-EnginFrame');
  }, 150_000);

  it('diff of the synthesized assembly against moto (nothing deployed): every resource is new, exit 0; --fail makes that exit 1', async (ctx) => {
    if (!moto.server || !existsSync(synthOut)) return ctx.skip();
    await moto.server.reset();
    const env = motoEnv(moto.server.endpoint);
    const r = await runCli(['diff', '-c', CONFIG, '--app', synthOut, '--stacks', 'hpcha-VPC'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Stack VPC (hpcha-VPC)');
    expect(r.stdout).toContain('[+] AWS::EC2::VPC');
    expect(r.stderr).toMatch(/\d+ differences/);
    const failing = await runCli(['diff', '-c', CONFIG, '--app', synthOut, '--stacks', 'VPC', '--fail'], { env });
    expect(failing.code).toBe(1);
  });

  it('deploy, outputs and destroy of a one-stack assembly against moto (moto cannot run the real stacks; --method direct because its change sets publish no outputs)', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const env = motoEnv(moto.server.endpoint);
    // moto has no EC2 offerings for China regions, so the preflight (test/preflight.test.ts, in us-east-1) is skipped.
    const deploy = await runCli(['deploy', '-c', CONFIG, '--app', oneStack, '--method', 'direct', '--skip-preflight'], { env });
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toMatch(/hpcha-EnginFrame \S* ?CREATE_COMPLETE\s+AWS::CloudFormation::Stack hpcha-EnginFrame/);
    expect(deploy.stdout.trim().split('\n').at(-1)).toBe('Portal: https://portal.example.internal/enginframe');

    const outputs = await runCli(['outputs', '-c', CONFIG], { env });
    expect(outputs.stdout).toContain('EnginFramePortalURL  https://portal.example.internal/enginframe');

    const refused = await runCli(['destroy', '-c', CONFIG, '--app', oneStack], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('destroy needs --yes when stdin is not a terminal');
    const cfn = new CloudFormationClient({ endpoint: moto.server.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    expect((await cfn.send(new DescribeStacksCommand({ StackName: 'hpcha-EnginFrame' }))).Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');

    const destroy = await runCli(['destroy', '--yes', '-c', CONFIG, '--app', oneStack], { env });
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain('✓ destroyed 1 stack of hpcha');
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'hpcha-EnginFrame' }))).rejects.toThrow('does not exist');
  });

  it('a stack pattern that matches nothing is a usage error, exit 2', async () => {
    const r = await runCli(['deploy', '-c', CONFIG, '--app', oneStack, '--stacks', 'Nope', '--skip-preflight'], { env: moto.server ? motoEnv(moto.server.endpoint) : {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Nope');
  });

  it('deploy without credentials says how to provide them, exit 1', async () => {
    const r = await runCli(['deploy', '-c', CONFIG, '--app', oneStack], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AWS_PROFILE');
  });

  it.each([['synth'], ['diff'], ['deploy'], ['destroy', '--yes']])('%s with an invalid config stops with its problems, exit 2', async (...cmd) => {
    const file = join(dir, `invalid-${cmd[0]}.yaml`);
    writeFileSync(file, readFileSync(CONFIG, 'utf8').replace('storageCapacityGiB: 1200', 'storageCapacityGiB: 1000'));
    const r = await runCli([...cmd, '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid-\w+\.yaml:\d+:\d+ storage\.fsx\.storageCapacityGiB: /);
  });

  it('--method accepts only change-set or direct, exit 2', async () => {
    const r = await runCli(['deploy', '--method', 'hotswap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("argument 'hotswap' is invalid");
  });
});
