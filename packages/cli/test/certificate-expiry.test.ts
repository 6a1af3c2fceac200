import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACMClient, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const moto = useMoto({ resetEach: true });
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-cert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const DAY_MS = 86_400_000;
/** outputs asks moto for all seven stacks and doctor runs every account check first: 10-15 s a run here, more when the machine is busy. */
const MOTO_RUN_MS = 120_000;

function aws(): { region: string; endpoint: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
  return { region: 'cn-north-1', endpoint: moto.server!.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
}

/** A self-signed certificate valid for `days` days (openssl), imported into moto's ACM, optionally with hpc-ha's request tag. */
async function importCertificate(days: number, tagged: boolean): Promise<string> {
  const key = join(dir, `k${days}.pem`);
  const cert = join(dir, `c${days}.pem`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', '/CN=alb.example.internal', '-addext', 'subjectAltName=DNS:alb.example.internal'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const acm = new ACMClient(aws());
  const { CertificateArn } = await acm.send(
    new ImportCertificateCommand({
      Certificate: readFileSync(cert),
      PrivateKey: readFileSync(key),
      Tags: tagged ? [{ Key: 'hpc-ha:cfn-request', Value: 'abc' }] : undefined,
    }),
  );
  return CertificateArn!;
}

/** The ALB stack as far as the CLI reads it: its CertificateArn output (moto models AWS::SSM::Parameter). */
async function albStack(certificateArn: string): Promise<void> {
  const template = {
    Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/hpcha/alb', Type: 'String', Value: 'x' } } },
    Outputs: { CertificateArn: { Value: certificateArn, Description: 'Certificate of the HTTPS listener' } },
  };
  await new CloudFormationClient(aws()).send(new CreateStackCommand({ StackName: 'hpcha-ALB', TemplateBody: JSON.stringify(template) }));
}

describe('the listener certificate expiry in outputs and doctor (moto_server: CloudFormation and ACM)', () => {
  it('outputs adds CertificateNotAfter, from ACM, after the CertificateArn output', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const arn = await importCertificate(397, true);
    await albStack(arn);
    const env = motoEnv(moto.server.endpoint);
    const r = await runCli(['outputs', '-c', CONFIG], { env });
    expect(r.code).toBe(0);
    const expiry = /^CertificateNotAfter\s+(\S+)$/m.exec(r.stdout)?.[1];
    expect(expiry).toBeDefined();
    expect(Math.round((Date.parse(expiry!) - Date.now()) / DAY_MS)).toBe(397);

    const json = JSON.parse((await runCli(['outputs', '--json', '-c', CONFIG], { env })).stdout) as { key: string; value: string; description: string }[];
    expect(json.map((o) => o.key)).toEqual(['CertificateArn', 'CertificateNotAfter']);
    expect(json[1]).toMatchObject({ value: expiry, description: 'expiry of CertificateArn, from ACM (396 days left)' });
  }, MOTO_RUN_MS);

  it('doctor: skipped before the ALB stack exists', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const before = await runCli(['doctor', '-c', CONFIG], { env: motoEnv(moto.server.endpoint) });
    expect(before.stdout).toContain('- listener certificate: not deployed yet (no stack hpcha-ALB)');
  }, MOTO_RUN_MS);

  it('doctor: ✓ with the date when far from expiry', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const env = motoEnv(moto.server.endpoint);
    const fresh = await importCertificate(397, true);
    await albStack(fresh);
    const ok = await runCli(['doctor', '-c', CONFIG], { env });
    // openssl's -days 397 ends 397 days from now, a little over 396 whole days ahead.
    const until = new Date(Date.now() + 397 * DAY_MS).toISOString().slice(0, 10);
    expect(ok.stdout.split('\n')).toContain(`✓ listener certificate: ${fresh} valid until ${until} (396 days left)`);
  }, MOTO_RUN_MS);

  it('doctor: a certificate close to expiry fails, with what to do for an hpc-ha certificate and for an operator\'s', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const env = motoEnv(moto.server.endpoint);
    const ours = await importCertificate(10, true);
    await albStack(ours);
    const r = await runCli(['doctor', '-c', CONFIG], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^✗ listener certificate: ${ours} expires on \\d{4}-\\d\\d-\\d\\d \\(9 days left\\)$`, 'm'));
    expect(r.stdout).toContain('    fix: the daily renewal re-issues it when fewer than 30 days are left and has not: read the log group of the CertificateRenewal function in stack hpcha-ALB');

    await moto.server.reset();
    const theirs = await importCertificate(10, false);
    await albStack(theirs);
    const operator = await runCli(['doctor', '-c', CONFIG], { env });
    expect(operator.stdout).toContain(`    fix: import the renewed certificate into the same ARN (aws acm import-certificate --certificate-arn ${theirs} ...)`);
  }, 2 * MOTO_RUN_MS);

  it('outputs warns and still answers when ACM cannot describe the certificate', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const gone = 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
    await albStack(gone);
    const r = await runCli(['outputs', '-c', CONFIG], { env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`CertificateArn  ${gone}`);
    expect(r.stderr).toContain(`cannot read the expiry of ${gone} from ACM: ResourceNotFoundException`);
  });
});
