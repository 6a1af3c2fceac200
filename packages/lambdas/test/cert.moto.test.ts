import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMClient,
  DescribeCertificateCommand,
  GetCertificateCommand,
  ImportCertificateCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { beforeAll, expect, it } from 'vitest';
import { isComplete, onEvent } from '../src/cert/handler.js';
import { generateSelfSigned } from '../src/cert/generate.js';
import { TEST_REGION } from './support/aws-env.js';
import { completeEvent, createEvent, deleteEvent, updateEvent } from './support/events.js';
import { useMotoSuite } from './support/moto-suite.js';
import { describeWith } from './support/tools.js';

const ALB = 'internal-hpcha-alb-1234567890.cn-north-1.elb.amazonaws.com.cn';

describeWith('moto_server', 'openssl')('cert handler against moto_server (ACM)', () => {
  const { logs } = useMotoSuite();
  let acm: ACMClient;
  beforeAll(() => {
    acm = new ACMClient({ region: TEST_REGION });
  });

  async function pemOf(arn: string): Promise<string> {
    const got = await acm.send(new GetCertificateCommand({ CertificateArn: arn }));
    return got.Certificate!;
  }

  it('Create imports an ECDSA P-256 certificate for the DNS name, tagged, and returns its ARN', async () => {
    const answer = await onEvent(createEvent({ DomainName: ALB, Tags: [{ Key: 'Project', Value: 'hpc-ha' }, { Key: '成本中心', Value: 'HPC 集群 @cn' }] }));
    const arn = answer.PhysicalResourceId!;
    expect(arn).toMatch(/^arn:aws-cn:acm:cn-north-1:\d{12}:certificate\//);
    expect(answer.Data).toEqual({ CertificateArn: arn });

    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    expect(Certificate?.Type).toBe('IMPORTED');
    expect(Certificate?.DomainName).toBe(ALB);
    expect(Certificate?.SubjectAlternativeNames).toEqual([ALB]);
    expect(Certificate?.KeyAlgorithm).toBe('EC_prime256v1');
    const days = (Certificate!.NotAfter!.getTime() - Certificate!.NotBefore!.getTime()) / 86_400_000;
    expect(days).toBe(397);

    const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    expect(Tags).toContainEqual({ Key: 'Project', Value: 'hpc-ha' });
    expect(Tags).toContainEqual({ Key: '成本中心', Value: 'HPC 集群 @cn' });
    expect(Tags?.some((t) => t.Key === 'hpc-ha:cfn-request')).toBe(true);
  });

  it('Create with RSA_2048 and a custom validity gives that key type and lifetime', async () => {
    const answer = await onEvent(createEvent({ DomainName: ALB, KeyAlgorithm: 'RSA_2048', ValidityDays: '30' }));
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: answer.PhysicalResourceId! }));
    expect(Certificate?.KeyAlgorithm).toBe('RSA_2048');
    expect((Certificate!.NotAfter!.getTime() - Certificate!.NotBefore!.getTime()) / 86_400_000).toBe(30);
  });

  it('a repeated Create of the same request reuses the certificate it imported (no orphan)', async () => {
    const event = createEvent({ DomainName: ALB });
    const first = await onEvent(event);
    const again = await onEvent(event);
    expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
    const other = await onEvent(createEvent({ DomainName: ALB }));
    expect(other.PhysicalResourceId).not.toBe(first.PhysicalResourceId);
  });

  it('Update with a new DNS name issues a new certificate; the old one is deleted by the Delete that follows', async () => {
    const props = { DomainName: ALB };
    const created = await onEvent(createEvent(props));
    const oldArn = created.PhysicalResourceId!;
    const newProps = { DomainName: 'hpc-alb-42.cn-northwest-1.elb.amazonaws.com.cn' };

    const updated = await onEvent(updateEvent(oldArn, newProps, props));
    const newArn = updated.PhysicalResourceId!;
    expect(newArn).not.toBe(oldArn);
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: newArn }));
    expect(Certificate?.DomainName).toBe(newProps.DomainName);

    // CloudFormation's cleanup phase: Delete with the old physical id and old properties.
    const del = deleteEvent(oldArn, props);
    const answer = await onEvent(del);
    expect(answer.PhysicalResourceId).toBe(oldArn);
    expect(await isComplete(completeEvent(del, answer))).toEqual({ IsComplete: true });
    await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: oldArn }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: newArn }))).resolves.toBeDefined();
  });

  it('Update of tags only keeps the certificate and rewrites its tags', async () => {
    const props = { DomainName: ALB, Tags: [{ Key: 'A', Value: '1' }, { Key: 'B', Value: '2' }] };
    const created = await onEvent(createEvent(props));
    const arn = created.PhysicalResourceId!;
    const next = { DomainName: ALB, Tags: [{ Key: 'A', Value: '9' }, { Key: 'C', Value: '3' }] };
    const updated = await onEvent(updateEvent(arn, next, props));
    expect(updated.PhysicalResourceId).toBe(arn);
    const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    const user = (Tags ?? []).filter((t) => !t.Key!.startsWith('hpc-ha:')).sort((a, b) => a.Key!.localeCompare(b.Key!));
    expect(user).toEqual([{ Key: 'A', Value: '9' }, { Key: 'C', Value: '3' }]);
  });

  it('Update of a certificate deleted out of band issues a new one', async () => {
    const props = { DomainName: ALB };
    const created = await onEvent(createEvent(props));
    const del = deleteEvent(created.PhysicalResourceId!, props);
    await onEvent(del);
    const updated = await onEvent(updateEvent(created.PhysicalResourceId!, props, props));
    expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
  });

  it('Delete of a certificate that no longer exists, or of a failed Create, succeeds', async () => {
    const gone = 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/00000000-0000-4000-8000-000000000000';
    const del = deleteEvent(gone, { DomainName: ALB });
    const answer = await onEvent(del);
    expect(await isComplete(completeEvent(del, answer))).toEqual({ IsComplete: true });

    const failedCreate = deleteEvent('00000000-request-id', { DomainName: 'not a name' });
    const answer2 = await onEvent(failedCreate);
    expect(answer2.PhysicalResourceId).toBe('00000000-request-id');
    expect(await isComplete(completeEvent(failedCreate, answer2))).toEqual({ IsComplete: true });
  });

  it('the produced certificate passes openssl: SHA-256 signature, SAN, validity, key type, self-verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cert-'));
    try {
      for (const [keyAlgorithm, keyText, sig] of [
        ['EC_prime256v1', /Public Key Algorithm: id-ecPublicKey[\s\S]*NIST CURVE: P-256/, 'ecdsa-with-SHA256'],
        ['RSA_2048', /Public Key Algorithm: rsaEncryption[\s\S]*Public-Key: \(2048 bit\)/, 'sha256WithRSAEncryption'],
      ] as const) {
        const answer = await onEvent(createEvent({ DomainName: ALB, KeyAlgorithm: keyAlgorithm, ValidityDays: 397 }));
        const file = join(dir, `${keyAlgorithm}.pem`);
        writeFileSync(file, await pemOf(answer.PhysicalResourceId!));

        const text = spawnSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
        expect(text.status, text.stderr).toBe(0);
        expect(text.stdout).toMatch(new RegExp(`Signature Algorithm: ${sig}`));
        expect(text.stdout).not.toMatch(/sha1/i);
        expect(text.stdout).toMatch(keyText);
        expect(text.stdout).toContain(`Subject: CN = ${ALB}`);
        expect(text.stdout).toMatch(new RegExp(`X509v3 Subject Alternative Name: *\\n *DNS:${ALB.replace(/\./g, '\\.')}\\n`));
        expect(text.stdout).toContain('TLS Web Server Authentication');

        const dates = spawnSync('openssl', ['x509', '-in', file, '-noout', '-startdate', '-enddate'], { encoding: 'utf8' });
        const start = Date.parse(/notBefore=(.*)/.exec(dates.stdout)![1]!);
        const end = Date.parse(/notAfter=(.*)/.exec(dates.stdout)![1]!);
        expect((end - start) / 86_400_000).toBe(397);
        expect(start).toBeLessThanOrEqual(Date.now());
        expect(start).toBeGreaterThan(Date.now() - 15 * 60_000);

        const verify = spawnSync('openssl', ['verify', '-CAfile', file, file], { encoding: 'utf8' });
        expect(verify.status, verify.stderr).toBe(0);
        expect(verify.stdout.trim()).toBe(`${file}: OK`);
        // Checked for the purpose the ALB serves it for, and for this host name.
        const purpose = spawnSync('openssl', ['verify', '-purpose', 'sslserver', '-verify_hostname', ALB, '-CAfile', file, file], {
          encoding: 'utf8',
        });
        expect(purpose.status, purpose.stderr + purpose.stdout).toBe(0);
        const wrongHost = spawnSync('openssl', ['verify', '-verify_hostname', 'evil.example.com', '-CAfile', file, file], {
          encoding: 'utf8',
        });
        expect(wrongHost.status).not.toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the private key matches the certificate (openssl) and is the form ACM documents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-key-'));
    try {
      for (const keyAlgorithm of ['EC_prime256v1', 'RSA_2048'] as const) {
        const made = await generateSelfSigned({ dnsName: ALB, keyAlgorithm, validityDays: 397 });
        expect(made.privateKeyPem).toMatch(keyAlgorithm === 'RSA_2048' ? /^-----BEGIN PRIVATE KEY-----/ : /^-----BEGIN EC PRIVATE KEY-----/);
        writeFileSync(join(dir, 'c.pem'), made.certificatePem);
        writeFileSync(join(dir, 'k.pem'), made.privateKeyPem, { mode: 0o600 });
        const fromCert = spawnSync('openssl', ['x509', '-in', join(dir, 'c.pem'), '-noout', '-pubkey'], { encoding: 'utf8' });
        const fromKey = spawnSync('openssl', ['pkey', '-in', join(dir, 'k.pem'), '-pubout'], { encoding: 'utf8' });
        expect(fromKey.status, fromKey.stderr).toBe(0);
        expect(fromKey.stdout).toBe(fromCert.stdout);
        // And moto (which parses both with the cryptography library) accepts the pair.
        const imported = await acm.send(
          new ImportCertificateCommand({ Certificate: Buffer.from(made.certificatePem), PrivateKey: Buffer.from(made.privateKeyPem) }),
        );
        expect(imported.CertificateArn).toMatch(/^arn:aws-cn:acm:/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad DomainName fails Create with one error naming the property, before any AWS call', async () => {
    await expect(onEvent(createEvent({ DomainName: 'not a host', KeyAlgorithm: 'DSA', ValidityDays: '0' }))).rejects.toThrow(
      /Invalid certificate properties:\n {2}- DomainName: "not a host" is not a DNS host name\n {2}- KeyAlgorithm: must be one of "EC_prime256v1", "RSA_2048", got "DSA"\n {2}- ValidityDays: must be a whole number from 1 to 3650, got "0"/,
    );
  });

  it('logs are JSON lines with the request context and no key material', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    for (const entry of logs.entries()) {
      expect(entry).toMatchObject({ handler: 'cert', level: expect.any(String), msg: expect.any(String) });
    }
    const all = logs.lines.join('\n');
    expect(all).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(logs.entries().some((e) => e['msg'] === 'certificate imported' && e['logicalResourceId'] === 'Resource')).toBe(true);
  });
});
