import { CERTIFICATE_ARN_OUTPUT, stackName, type DeploymentConfig } from '@hpc-ha/infra/config';
import { clientConfig } from './aws.js';
import type { StackOutput } from './commands/outputs.js';
import type { CheckResult } from './doctor/checks.js';
import type { Ui } from './ui.js';

/**
 * The listener certificate's expiry, for `outputs` and `doctor`. The ALB stack publishes the certificate's ARN; the
 * date comes from ACM, because the daily renewal re-imports into the same ARN and no stack output would follow it.
 */
export interface CertificateExpiry {
  readonly arn: string;
  readonly notAfter: Date;
  readonly daysLeft: number;
  /** Imported by hpc-ha's certificate resource (tagged with its request token), so the daily renewal keeps it valid. */
  readonly renewedByHpcHa: boolean;
}

/** The pseudo-output `outputs` adds next to CertificateArn. */
export const CERTIFICATE_NOT_AFTER = 'CertificateNotAfter';
/** The renewal re-issues at 30 days left; two missed daily runs later, doctor says so. */
export const RENEWAL_OVERDUE_DAYS = 28;
/** The tag hpc-ha's certificate resource puts on what it imports. */
const HPC_HA_REQUEST_TAG = 'hpc-ha:cfn-request';
const DAY_MS = 86_400_000;

export async function readCertificateExpiry(region: string, arn: string): Promise<CertificateExpiry> {
  const { ACMClient, DescribeCertificateCommand, ListTagsForCertificateCommand } = await import('@aws-sdk/client-acm');
  const acm = new ACMClient(clientConfig(region));
  try {
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    if (!Certificate?.NotAfter) throw new Error(`ACM gave no expiry date for ${arn}`);
    const { Tags } = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
    return {
      arn,
      notAfter: Certificate.NotAfter,
      daysLeft: Math.floor((Certificate.NotAfter.getTime() - Date.now()) / DAY_MS),
      renewedByHpcHa: Certificate.Type === 'IMPORTED' && (Tags ?? []).some((t) => t.Key === HPC_HA_REQUEST_TAG),
    };
  } finally {
    acm.destroy();
  }
}

const day = (d: Date): string => d.toISOString().slice(0, 10);
const left = (e: CertificateExpiry): string => (e.daysLeft < 0 ? `expired ${-e.daysLeft} days ago` : `${e.daysLeft} days left`);

/** For `outputs`: the expiry as one more row after CertificateArn, or nothing (with a warning) when ACM cannot say. */
export async function certificateExpiryOutputs(region: string, outputs: readonly StackOutput[], ui: Ui): Promise<StackOutput[]> {
  const certificate = outputs.find((o) => o.key === CERTIFICATE_ARN_OUTPUT);
  if (!certificate) return [];
  try {
    const e = await readCertificateExpiry(region, certificate.value);
    return [{ stack: certificate.stack, key: CERTIFICATE_NOT_AFTER, value: e.notAfter.toISOString(), description: `expiry of ${CERTIFICATE_ARN_OUTPUT}, from ACM (${left(e)})` }];
  } catch (error) {
    ui.warn(`cannot read the expiry of ${certificate.value} from ACM: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return [];
  }
}

/** For `doctor`: the deployed listener certificate, valid for long enough or not. Skipped before the ALB stack exists. */
export async function certificateCheck(config: Pick<DeploymentConfig, 'name' | 'region'>): Promise<CheckResult> {
  const title = 'listener certificate';
  const stack = stackName(config.name, 'ALB');
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const cfn = new CloudFormationClient(clientConfig(config.region));
  let arn: string | undefined;
  try {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    arn = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === CERTIFICATE_ARN_OUTPUT)?.OutputValue;
    if (!arn) return { status: 'skip', title, detail: `stack ${stack} has no ${CERTIFICATE_ARN_OUTPUT} output yet (hpc-ha deploy adds it)` };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) {
      return { status: 'skip', title, detail: `not deployed yet (no stack ${stack})` };
    }
    return { status: 'fail', title, detail: `cannot read stack ${stack}: ${String(error)}`, fix: 'the caller needs cloudformation:DescribeStacks' };
  } finally {
    cfn.destroy();
  }
  let e: CertificateExpiry;
  try {
    e = await readCertificateExpiry(config.region, arn);
  } catch (error) {
    return { status: 'fail', title, detail: `cannot describe ${arn}: ${String(error)}`, fix: 'the caller needs acm:DescribeCertificate and acm:ListTagsForCertificate' };
  }
  if (e.daysLeft >= RENEWAL_OVERDUE_DAYS) return { status: 'ok', title, detail: `${arn} valid until ${day(e.notAfter)} (${left(e)})` };
  return {
    status: 'fail',
    title,
    detail: `${arn} ${e.daysLeft < 0 ? 'expired on' : 'expires on'} ${day(e.notAfter)} (${left(e)})`,
    fix: e.renewedByHpcHa
      ? `the daily renewal re-issues it when fewer than 30 days are left and has not: read the log group of the CertificateRenewal function in stack ${stack}`
      : `import the renewed certificate into the same ARN (aws acm import-certificate --certificate-arn ${arn} ...), or set loadBalancer.certificateArn to a new one and deploy`,
  };
}
