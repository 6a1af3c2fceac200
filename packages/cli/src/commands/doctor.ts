import { clientConfig, s3Config } from '../aws.js';
import { certificateCheck } from '../certificate-expiry.js';
import { EXIT_FAILURE, EXIT_OK, type ExitCode } from '../exit.js';
import { loadConfig, type ConfigFlag } from '../load-config.js';
import type { Ui } from '../ui.js';
import { CHECK, CROSS } from '../ui.js';
import type { CheckResult, DoctorClients } from '../doctor/checks.js';

export function formatCheck(r: CheckResult, ui: Ui): string[] {
  const mark = r.status === 'ok' ? ui.style.ok(CHECK) : r.status === 'fail' ? ui.style.bad(CROSS) : ui.style.dim('-');
  const lines = [`${mark} ${r.title}: ${r.detail}`];
  if (r.fix) lines.push(`    fix: ${r.fix}`);
  return lines;
}

/** The SDK clients of the account checks (doctor and deploy's preflight), with the CLI's timeouts and retries. */
export async function createDoctorClients(region: string): Promise<DoctorClients & { destroyAll(): void }> {
  const [sts, ssm, sm, ec2, rds, s3] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-ssm'),
    import('@aws-sdk/client-secrets-manager'),
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-rds'),
    import('@aws-sdk/client-s3'),
  ]);
  const cfg = clientConfig(region);
  const clients = {
    sts: new sts.STSClient(cfg),
    ssm: new ssm.SSMClient(cfg),
    secrets: new sm.SecretsManagerClient(cfg),
    ec2: new ec2.EC2Client(cfg),
    rds: new rds.RDSClient(cfg),
    s3: new s3.S3Client(s3Config(cfg)),
  };
  return { ...clients, destroyAll: () => Object.values(clients).forEach((c) => c.destroy()) };
}

/** Where the SDK sends requests when an endpoint variable overrides AWS's, for the progress line. */
function endpointNote(env: NodeJS.ProcessEnv = process.env): string {
  const url = env['AWS_ENDPOINT_URL_STS'] || env['AWS_ENDPOINT_URL'];
  return url ? ` at ${url}` : '';
}

/** `hpc-ha doctor`: one ✓/✗ line per check against the live account; exit 1 when any check fails. */
export async function doctorCommand(flags: ConfigFlag, ui: Ui): Promise<ExitCode> {
  const config = await loadConfig(flags, ui);
  const { runDoctor } = await import('../doctor/checks.js');
  const clients = await createDoctorClients(config.region);
  ui.info(`hpc-ha doctor: ${config.sourceFile} (deployment ${config.name}, ${config.region})`);
  ui.info(ui.style.dim(`checking AWS credentials${endpointNote()} …`));
  const show = (r: CheckResult) => {
    if (ui.quiet && r.status !== 'fail') return;
    for (const line of formatCheck(r, ui)) ui.out(line);
  };
  let results: CheckResult[];
  try {
    // Each line is printed as its check ends; the listener certificate is one of the checks that need AWS.
    results = await runDoctor(config, clients, { onResult: show, extra: [certificateCheck] });
  } finally {
    clients.destroyAll();
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  if (failed > 0) {
    ui.error(`${failed} check${failed === 1 ? '' : 's'} failed`);
    return EXIT_FAILURE;
  }
  ui.info(`${ui.style.ok(CHECK)} ready to deploy`);
  return EXIT_OK;
}
