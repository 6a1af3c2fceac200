import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

// us-east-1: moto has EC2 instance-type offerings only for global regions.
const REGION = 'us-east-1';
const NAME = 'hpcha-use1';
const BUCKET = 'my-hpc-artifacts-us-east-1';
const INSTALLER_KEY = 'enginframe/enginframe-2021.0-r1667.jar';
const moto = useMoto({ resetEach: true });
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-preflight-'));
const app = join(dir, 'one-stack.out');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), app, REGION, NAME], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`one-stack app failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The us-east-1 example with the installer's sha256 set to that of `installer` (the example's own is made up). */
function config(installer: string): string {
  const file = join(dir, `config-${sha256(installer).slice(0, 8)}.yaml`);
  writeFileSync(file, readFileSync(`${EXAMPLES}/us-east-1.yaml`, 'utf8').replace(/(enginframe-2021\.0-r1667\.jar\n\s+sha256: )\w+/, `$1${sha256(installer)}`));
  return file;
}

async function stackStatus(): Promise<string> {
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: REGION, credentials: creds });
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: `${NAME}-EnginFrame` }))).Stacks?.[0]?.StackStatus ?? 'none';
  } catch (e) {
    if (/does not exist/.test((e as Error).message)) return 'none';
    throw e;
  }
}

/** Bootstrap parameter, admin secret (through `secret create`) and both jars, the installer uploaded with a SHA-256. */
async function prepareAccount(file: string, installerBody: string): Promise<void> {
  const cfg = { endpoint: moto.server!.endpoint, region: REGION, credentials: creds };
  await new SSMClient(cfg).send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '30', Type: 'String' }));
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: INSTALLER_KEY, Body: installerBody, ChecksumAlgorithm: 'SHA256' }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'jdbc/mysql-connector-j-8.4.0.jar', Body: 'jdbc' }));
  const secret = await runCli(['secret', 'create', '--write-config', '-c', file], { input: 'Lab-password-2024!\n', env: motoEnv(moto.server!.endpoint, REGION), cwd: dir });
  expect(secret.code, secret.stderr).toBe(0);
}

const deploy = (file: string, ...extra: string[]) =>
  runCli(['deploy', '-c', file, '--app', app, '--method', 'direct', ...extra], { env: motoEnv(moto.server!.endpoint, REGION), timeoutMs: 60_000 });

describe('hpc-ha deploy runs doctor\'s account checks first (against moto_server)', () => {
  it('an empty account: refused with each failed check and its fix, no stack created, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await deploy(config('the installer'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('✗ CDK bootstrap: /cdk-bootstrap/hnb659fds/version not found: us-east-1 is not bootstrapped\n    fix: npx cdk bootstrap aws://123456789012/us-east-1');
    expect(r.stderr).toMatch(/✗ admin password secret: \S+ does not exist\n {4}fix: create it: hpc-ha secret create --write-config/);
    expect(r.stderr).toContain(`✗ EnginFrame installer: s3://${BUCKET}/${INSTALLER_KEY} not found`);
    expect(r.stderr).toContain('✗ JDBC driver:');
    expect(r.stderr).not.toContain('✗ instance type');
    expect(r.stderr).toContain('error: deploy refused: 4 preflight checks failed; nothing was created');
    expect(r.stderr).toContain('or pass --skip-preflight to deploy anyway');
    expect(r.stdout).toBe('');
    expect(await stackStatus()).toBe('none');
  });

  it('an installer whose S3 SHA-256 differs from the config: refused naming both; the right file then deploys, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const file = config('the installer');
    await prepareAccount(file, 'another installer');
    const refused = await deploy(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`✗ EnginFrame installer: s3://${BUCKET}/${INSTALLER_KEY} has SHA-256 ${sha256('another installer')}, the config says ${sha256('the installer')}`);
    expect(refused.stderr).toContain('deploy refused: 1 preflight check failed; nothing was created');
    expect(await stackStatus()).toBe('none');

    const s3 = new S3Client({ endpoint: moto.server.endpoint, region: REGION, credentials: creds, forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: INSTALLER_KEY, Body: 'the installer', ChecksumAlgorithm: 'SHA256' }));
    const ok = await deploy(file);
    expect(ok.stderr).toMatch(/✓ preflight: \d+ account checks passed/);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('Portal: https://portal.example.internal/enginframe');
    expect(await stackStatus()).toBe('CREATE_COMPLETE');
  });

  it('--skip-preflight deploys without the checks, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await deploy(config('the installer'), '--skip-preflight');
    expect(r.stderr).not.toContain('preflight');
    expect(r.code).toBe(0);
    expect(await stackStatus()).toBe('CREATE_COMPLETE');
  });
});
