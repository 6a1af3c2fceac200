import { spawnSync } from 'node:child_process';
import {
  ACMClient,
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  GetCertificateCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { beforeAll, expect, it } from 'vitest';
import { onEvent, renew } from '../src/cert/handler.js';
import { TEST_REGION } from './support/aws-env.js';
import { createEvent, lambdaContext } from './support/events.js';
import { useMotoSuite } from './support/moto-suite.js';
import { describeWith } from './support/tools.js';

const ALB = 'internal-hpcha-alb-1234567890.cn-north-1.elb.amazonaws.com.cn';
const DAY_MS = 86_400_000;

/** openssl's reading of a PEM certificate: its serial, expiry and SAN line. */
function opensslFields(pem: string): { serial: string; notAfter: Date; san: string } {
  const run = spawnSync('openssl', ['x509', '-noout', '-serial', '-enddate', '-ext', 'subjectAltName'], { input: pem, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const serial = /serial=([0-9A-F]+)/.exec(run.stdout)?.[1] ?? '';
  const notAfter = new Date(/notAfter=(.+)/.exec(run.stdout)?.[1] ?? '');
  const san = /DNS:[^\n]+/.exec(run.stdout)?.[0] ?? '';
  return { serial, notAfter, san };
}

describeWith('moto_server', 'openssl')('scheduled certificate renewal against moto_server (ACM re-import)', () => {
  const { logs } = useMotoSuite();
  let acm: ACMClient;
  beforeAll(() => {
    acm = new ACMClient({ region: TEST_REGION });
  });

  const pemOf = async (arn: string) => (await acm.send(new GetCertificateCommand({ CertificateArn: arn }))).Certificate!;
  const describe = async (arn: string) => (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).Certificate!;

  it('re-issues a certificate near its expiry into the same ARN, same name and key type, with a new key and full validity', async () => {
    const arn = (await onEvent(createEvent({ DomainName: ALB, ValidityDays: '20' }))).PhysicalResourceId!;
    const old = opensslFields(await pemOf(arn));

    const result = await renew({ CertificateArn: arn, DomainName: ALB, RenewDaysBefore: '30' }, lambdaContext(60_000));
    expect(result.renewed).toBe(true);
    expect(result.certificateArn).toBe(arn);
    expect(result.daysLeft).toBeGreaterThanOrEqual(396);

    const now = opensslFields(await pemOf(arn));
    expect(now.serial).not.toBe(old.serial);
    expect(now.san).toBe(`DNS:${ALB}`);
    expect(Math.round((now.notAfter.getTime() - Date.now()) / DAY_MS)).toBe(397);
    const described = await describe(arn);
    expect(described.KeyAlgorithm).toBe('EC_prime256v1');
    expect(described.Type).toBe('IMPORTED');
    expect(described.NotAfter!.toISOString()).toBe(result.notAfter);
    expect(logs.entries().find((e) => e['msg'] === 'certificate renewed')).toMatchObject({ handler: 'cert-renewal', certificateArn: arn, renewed: true });
  });

  it('keeps the key type ACM requires on re-import (RSA stays RSA)', async () => {
    const arn = (await onEvent(createEvent({ DomainName: ALB, KeyAlgorithm: 'RSA_2048', ValidityDays: '5' }))).PhysicalResourceId!;
    const result = await renew({ CertificateArn: arn, DomainName: ALB, ValidityDays: '90' });
    expect(result).toMatchObject({ renewed: true, certificateArn: arn });
    expect((await describe(arn)).KeyAlgorithm).toBe('RSA_2048');
    expect(Math.round((opensslFields(await pemOf(arn)).notAfter.getTime() - Date.now()) / DAY_MS)).toBe(90);
  });

  it('leaves a certificate with more than RenewDaysBefore days left alone, reporting its expiry', async () => {
    const arn = (await onEvent(createEvent({ DomainName: ALB }))).PhysicalResourceId!;
    const pem = await pemOf(arn);
    const result = await renew({ CertificateArn: arn, DomainName: ALB });
    expect(result).toEqual({ renewed: false, certificateArn: arn, notAfter: (await describe(arn)).NotAfter!.toISOString(), daysLeft: 396 });
    expect(await pemOf(arn)).toBe(pem);
  });

  it('fails, naming the certificate, when it was deleted or is not one hpc-ha imported', async () => {
    const arn = (await onEvent(createEvent({ DomainName: ALB, ValidityDays: '3' }))).PhysicalResourceId!;
    await acm.send(new DeleteCertificateCommand({ CertificateArn: arn }));
    await expect(renew({ CertificateArn: arn, DomainName: ALB })).rejects.toThrow(`Certificate ${arn} no longer exists, so there is nothing to renew`);

    const issued = (await acm.send(new RequestCertificateCommand({ DomainName: 'portal.example.com', ValidationMethod: 'DNS' }))).CertificateArn!;
    await expect(renew({ CertificateArn: issued, DomainName: 'portal.example.com' })).rejects.toThrow(/is AMAZON_ISSUED, not IMPORTED; only the self-signed certificate hpc-ha imported is renewed$/);
  });

  it('refuses a malformed event with one error listing each problem', async () => {
    await expect(renew({ CertificateArn: 'arn:x', DomainName: 'not a host', RenewDaysBefore: '400' })).rejects.toThrow(
      /^Invalid certificate renewal properties:\n {2}- CertificateArn: "arn:x" is not an ACM certificate ARN\n {2}- DomainName: "not a host" is not a DNS host name\n {2}- RenewDaysBefore: must be a whole number from 1 to 365, got "400"$/,
    );
  });
});
