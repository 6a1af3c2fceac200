import { DescribeCertificateCommand, ImportCertificateCommand } from '@aws-sdk/client-acm';
import { awsCall } from '../runtime/aws-call.js';
import { AwsCallError } from '../runtime/errors.js';
import { Deadline, type InvocationContext } from '../runtime/deadline.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { PropertyErrors } from '../runtime/props.js';
import {
  CERT_DEFAULTS,
  CERT_KEY_ALGORITHMS,
  CERT_RENEWAL_DEFAULTS,
  CERT_RENEWAL_KEYS as K,
  type CertKeyAlgorithm,
  type CertRenewalResult,
} from '../properties.js';
import { acm } from './client.js';
import { generateSelfSigned, isDnsName } from './generate.js';
import { isCertificateArn } from './props.js';

/** One run: a describe, maybe a key pair and an import; a minute is plenty and stays inside the function's timeout. */
const BUDGET_MS = 60_000;
const DAY_MS = 86_400_000;

interface RenewalInput {
  certificateArn: string;
  domainName: string;
  validityDays: number;
  renewDaysBefore: number;
}

function parseInput(raw: unknown): RenewalInput {
  const p = new PropertyErrors(typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {});
  const certificateArn = p.requiredString(K.certificateArn);
  if (certificateArn && !isCertificateArn(certificateArn)) p.add(K.certificateArn, `"${certificateArn}" is not an ACM certificate ARN`);
  const domainName = p.requiredString(K.domainName).toLowerCase();
  if (domainName && !isDnsName(domainName)) p.add(K.domainName, `"${domainName}" is not a DNS host name`);
  const validityDays = p.integer(K.validityDays, CERT_DEFAULTS.validityDays, 1, 3650);
  const renewDaysBefore = p.integer(K.renewDaysBefore, CERT_RENEWAL_DEFAULTS.renewDaysBefore, 1, 365);
  if (renewDaysBefore >= validityDays) p.add(K.renewDaysBefore, `must be less than ValidityDays (${validityDays}), or every run would renew`);
  p.check('certificate renewal');
  return { certificateArn, domainName, validityDays, renewDaysBefore };
}

interface Described {
  notAfter: Date;
  keyAlgorithm: CertKeyAlgorithm;
}

async function describe(arn: string, ctx: { deadline: Deadline; log: Logger }): Promise<Described> {
  let certificate;
  try {
    certificate = (
      await awsCall('ACM DescribeCertificate', (abortSignal) => acm.send(new DescribeCertificateCommand({ CertificateArn: arn }), { abortSignal }), {
        ...ctx,
        expectedErrors: ['ResourceNotFoundException'],
      })
    ).Certificate;
  } catch (error) {
    if (error instanceof AwsCallError && error.causeName === 'ResourceNotFoundException') {
      throw new Error(`Certificate ${arn} no longer exists, so there is nothing to renew; a stack update (hpc-ha deploy) issues a new one`, { cause: error });
    }
    throw error;
  }
  // Re-importing over a certificate someone else made would replace it: only an imported one of our key types is touched.
  if (certificate?.Type !== 'IMPORTED') throw new Error(`Certificate ${arn} is ${certificate?.Type ?? 'of unknown type'}, not IMPORTED; only the self-signed certificate hpc-ha imported is renewed`);
  const keyAlgorithm = certificate.KeyAlgorithm as CertKeyAlgorithm | undefined;
  if (!keyAlgorithm || !CERT_KEY_ALGORITHMS.includes(keyAlgorithm)) {
    throw new Error(`Certificate ${arn} has key algorithm ${keyAlgorithm ?? 'unknown'}; ACM re-imports only the same key type, and hpc-ha makes ${CERT_KEY_ALGORITHMS.join(', ')}`);
  }
  if (!certificate.NotAfter) throw new Error(`ACM DescribeCertificate gave no NotAfter for ${arn}`);
  return { notAfter: certificate.NotAfter, keyAlgorithm };
}

/**
 * The scheduled renewal (an EventBridge rule invokes it daily with a {@link CertRenewalInput}): when the certificate
 * expires within `RenewDaysBefore` days (or already has), a new key pair and certificate for the same name and key
 * type are imported into the same ARN. The listener keeps the ARN, so nothing in the stack changes and no
 * connection is dropped. Re-importing takes no tags, and ACM keeps the ones the certificate has.
 */
export async function renew(event: unknown, context?: InvocationContext): Promise<CertRenewalResult> {
  const log = createLogger({ handler: 'cert-renewal' });
  const deadline = Deadline.fromContext(context, BUDGET_MS);
  const input = parseInput(event);
  const ctx = { deadline, log };
  const before = await describe(input.certificateArn, ctx);
  const daysLeft = Math.floor((before.notAfter.getTime() - Date.now()) / DAY_MS);
  if (daysLeft >= input.renewDaysBefore) {
    log.info('certificate still valid; not renewed', { certificateArn: input.certificateArn, notAfter: before.notAfter.toISOString(), daysLeft, renewDaysBefore: input.renewDaysBefore });
    return { renewed: false, certificateArn: input.certificateArn, notAfter: before.notAfter.toISOString(), daysLeft };
  }

  const cert = await generateSelfSigned({ dnsName: input.domainName, keyAlgorithm: before.keyAlgorithm, validityDays: input.validityDays });
  // A repeated import after a lost answer puts the same certificate in the same place: no duplicate can arise.
  await awsCall(
    'ACM ImportCertificate (re-import)',
    (abortSignal) =>
      acm.send(
        new ImportCertificateCommand({
          CertificateArn: input.certificateArn,
          Certificate: Buffer.from(cert.certificatePem),
          PrivateKey: Buffer.from(cert.privateKeyPem),
        }),
        { abortSignal },
      ),
    ctx,
  );
  const after = await describe(input.certificateArn, ctx);
  const result = {
    renewed: true,
    certificateArn: input.certificateArn,
    notAfter: after.notAfter.toISOString(),
    daysLeft: Math.floor((after.notAfter.getTime() - Date.now()) / DAY_MS),
  };
  log.info('certificate renewed', { ...result, previousNotAfter: before.notAfter.toISOString(), serialNumber: cert.serialNumber });
  return result;
}
