import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateKeyPairCommand, EC2Client } from '@aws-sdk/client-ec2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

// moto carries EC2 instance-type offerings for global regions only, so these tests use the us-east-1 example.
const REGION = 'us-east-1';
const moto = useMoto();
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function configWithKey(name: string): string {
  const file = join(dir, name);
  const text = readFileSync(`${EXAMPLES}/us-east-1.yaml`, 'utf8').replace(/^(\s+)rootVolumeGiB: 50$/m, '$1rootVolumeGiB: 50\n$1keyName: lab-key');
  writeFileSync(file, text);
  return file;
}

async function prepareAccount(endpoint: string): Promise<void> {
  const cfg = { endpoint, region: REGION, credentials: creds };
  await new SSMClient(cfg).send(new PutParameterCommand({ Name: '/cdk-bootstrap/hnb659fds/version', Value: '30', Type: 'String' }));
  await new EC2Client(cfg).send(new CreateKeyPairCommand({ KeyName: 'lab-key' }));
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: 'my-hpc-artifacts-us-east-1' }));
  await s3.send(new PutObjectCommand({ Bucket: 'my-hpc-artifacts-us-east-1', Key: 'enginframe/enginframe-2021.0-r1667.jar', Body: 'jar' }));
  await s3.send(new PutObjectCommand({ Bucket: 'my-hpc-artifacts-us-east-1', Key: 'jdbc/mysql-connector-j-8.4.0.jar', Body: 'jdbc' }));
}

describe('hpc-ha doctor (against moto_server)', () => {
  it('a ready account: ✓ for credentials, bootstrap, secret, key pair, every instance type and both jars; Aurora ✗ only because moto has no aurora-mysql orderable options (covered with aws-sdk-client-mock), exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    await prepareAccount(moto.server.endpoint);
    const config = configWithKey('ready.yaml');
    const env = motoEnv(moto.server.endpoint, REGION);
    const secret = await runCli(['secret', 'create', '--write-config', '-c', config], { input: 'Lab-password-2024!\n', env, cwd: dir });
    expect(secret.code).toBe(0);

    const r = await runCli(['doctor', '-c', config], { env });
    const lines = r.stdout.split('\n');
    expect(lines).toContain('✓ AWS credentials: arn:aws:sts::123456789012:user/moto (account 123456789012, partition aws)');
    expect(lines).toContain('✓ CDK bootstrap: /cdk-bootstrap/hnb659fds/version = 30');
    expect(lines).toContain(`✓ admin password secret: ${secret.stdout.trim()} has the "efadminPassword" key`);
    expect(lines).toContain('✓ EC2 key pair: lab-key exists');
    expect(lines).toContain('✓ instance type m5.xlarge: x86_64, offered in us-east-1a, us-east-1b');
    expect(lines).toContain('✓ instance type c5n.18xlarge: x86_64, offered in us-east-1a');
    for (const t of ['c5.xlarge', 'c5.4xlarge', 'r5.2xlarge']) expect(r.stdout).toContain(`✓ instance type ${t}: x86_64`);
    // Uploaded without a SHA-256 checksum: S3 cannot confirm the configured one, the node checks it on download.
    expect(lines).toContain('✓ EnginFrame installer: s3://my-hpc-artifacts-us-east-1/enginframe/enginframe-2021.0-r1667.jar (3 bytes; S3 keeps no SHA-256 for it, the node checks the configured one on download)');
    expect(lines).toContain('✓ JDBC driver: s3://my-hpc-artifacts-us-east-1/jdbc/mysql-connector-j-8.4.0.jar (4 bytes; S3 keeps no SHA-256 for it, the node checks the configured one on download)');
    expect(lines).toContain('✗ Aurora Serverless v2: db.serverless is not orderable for Aurora MySQL 3 in us-east-1');
    expect(r.stdout).toContain('    fix: choose another class: aws rds describe-orderable-db-instance-options');
    expect(r.stdout.match(/^✗/gm)).toHaveLength(1);
    expect(r.stderr).toContain('1 check failed');
    expect(r.code).toBe(1);
  });

  it('an empty account: ✗ with a fix for bootstrap, secret, key pair and both jars, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const r = await runCli(['doctor', '-c', configWithKey('empty.yaml')], { env: motoEnv(moto.server.endpoint, REGION) });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ CDK bootstrap: /cdk-bootstrap/hnb659fds/version not found: us-east-1 is not bootstrapped\n    fix: npx cdk bootstrap aws://123456789012/us-east-1');
    expect(r.stdout).toContain('✗ admin password secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:efadminPassword-AbCdEf does not exist\n    fix: create it: hpc-ha secret create --write-config');
    expect(r.stdout).toContain('✗ EC2 key pair: lab-key not found in us-east-1\n    fix: import it: aws ec2 import-key-pair --key-name lab-key');
    expect(r.stdout).toContain('✗ EnginFrame installer: s3://my-hpc-artifacts-us-east-1/enginframe/enginframe-2021.0-r1667.jar not found\n    fix: upload it: aws s3 cp');
    expect(r.stdout).toContain('✗ JDBC driver: s3://my-hpc-artifacts-us-east-1/jdbc/mysql-connector-j-8.4.0.jar not found');
  });

  it('--quiet prints only the ✗ lines', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const r = await runCli(['--quiet', 'doctor', '-c', `${EXAMPLES}/us-east-1.yaml`], { env: motoEnv(moto.server.endpoint, REGION) });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('✓');
    expect(r.stdout).toContain('✗ CDK bootstrap');
  });

  it('no credentials: one ✗ saying how to set them, the rest skipped, exit 1', async () => {
    const r = await runCli(['doctor', '-c', `${EXAMPLES}/us-east-1.yaml`], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ AWS credentials: none usable');
    expect(r.stdout).toContain('fix: set AWS_PROFILE');
    expect(r.stdout).toContain('- other checks: skipped');
  });

  it('an invalid config stops before any AWS call, exit 2', async () => {
    const file = join(dir, 'invalid.yaml');
    writeFileSync(file, readFileSync(`${EXAMPLES}/us-east-1.yaml`, 'utf8').replace('instanceType: m5.xlarge', 'instanceType: m6g.xlarge'));
    const r = await runCli(['doctor', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid\.yaml:\d+:\d+ portal\.instanceType: "m6g\.xlarge" is an Arm/);
    expect(r.stdout).toBe('');
  });
});

describe('hpc-ha doctor against a refused connection', () => {
  it('names the network instead of missing credentials, skips the rest (the certificate too), exit 1', async () => {
    const r = await runCli(['doctor', '-c', `${EXAMPLES}/us-east-1.yaml`], {
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ AWS credentials: cannot check: cannot reach AWS: .*ECONNREFUSED/m);
    expect(r.stdout).toContain('fix: check the network, proxy and AWS_ENDPOINT_URL');
    expect(r.stdout).toContain('- other checks: skipped: AWS cannot be reached');
    expect(r.stdout).not.toContain('none usable');
    expect(r.stdout).not.toContain('listener certificate');
    expect(r.stdout.match(/^[✓✗-] /gm)).toHaveLength(2);
  });
});
