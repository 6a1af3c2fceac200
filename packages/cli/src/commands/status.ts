import { clientConfig } from '../aws.js';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type ExitCode } from '../exit.js';
import { loadConfig, type ConfigFlag } from '../load-config.js';
import type { CheckResult } from '../doctor/checks.js';
import type { DeploymentStatus } from '../status/collect.js';
import type { Ui } from '../ui.js';
import { CHECK, CROSS } from '../ui.js';

export interface StatusFlags extends ConfigFlag {
  json?: boolean;
}

/** Everything that makes the deployment degraded, one line each (also the JSON's `problems`). */
export function problems(s: DeploymentStatus, certificate: CheckResult): string[] {
  const out: string[] = [];
  for (const st of s.stacks) if (!st.ok) out.push(`stack ${st.stack} is ${st.status}`);
  if (s.portalTargets) {
    for (const t of s.portalTargets) if (!t.ok) out.push(`portal node ${t.instanceId} (${t.availabilityZone}) is ${t.state}`);
    if (s.portalTargets.length < 2) out.push(`${s.portalTargets.length} of 2 portal nodes are registered with the load balancer`);
  }
  for (const c of s.clusters) if (!c.ok) out.push(`cluster ${c.cluster}: stack ${c.stackStatus}, head node ${c.headNode?.state ?? 'not found'}`);
  for (const a of s.alarms) out.push(`alarm ${a.name} is in ALARM`);
  if (certificate.status === 'fail') out.push(`listener certificate: ${certificate.detail}`);
  return out;
}

function render(s: DeploymentStatus, certificate: CheckResult, found: string[], ui: Ui): string[] {
  const mark = (ok: boolean) => (ok ? ui.style.ok(CHECK) : ui.style.bad(CROSS));
  const lines = [ui.style.bold(`${s.name} (${s.region}): ${found.length === 0 ? ui.style.ok('HEALTHY') : ui.style.bad(`DEGRADED (${found.length} problem${found.length === 1 ? '' : 's'})`)}`), '', 'stacks'];
  const w = Math.max(...s.stacks.map((x) => x.stack.length));
  for (const st of s.stacks) lines.push(`  ${mark(st.ok)} ${st.stack.padEnd(w)}  ${st.status}${st.reason && !st.ok ? ui.style.dim(`  ${st.reason}`) : ''}`);
  lines.push('', 'portal nodes behind the load balancer');
  if (!s.portalTargets) lines.push(`  - ${ui.style.dim('no load balancer deployed yet')}`);
  else if (s.portalTargets.length === 0) lines.push(`  ${mark(false)} no portal node registered`);
  for (const t of s.portalTargets ?? []) lines.push(`  ${mark(t.ok)} ${t.availabilityZone}  ${t.instanceId}  ${t.state}${t.reason ? ui.style.dim(`  ${t.reason}`) : ''}`);
  lines.push('', 'clusters');
  for (const c of s.clusters) {
    const head = c.headNode ? `head node ${c.headNode.instanceId} ${c.headNode.state} (${c.headNode.availabilityZone})` : 'no head node found';
    lines.push(`  ${mark(c.ok)} ${c.cluster} (${c.availabilityZone})  stack ${c.stackStatus}, ${head}`);
  }
  lines.push('', `alarms in ALARM (names starting ${s.alarmPrefix})`);
  if (s.alarms.length === 0) lines.push(`  ${mark(true)} none`);
  for (const a of s.alarms) {
    lines.push(`  ${mark(false)} ${a.name}${a.since ? ui.style.dim(`  since ${a.since}`) : ''}`);
    if (a.description) lines.push(`      ${a.description}`);
    if (a.reason) lines.push(`      ${ui.style.dim(a.reason)}`);
  }
  lines.push('', 'certificate');
  lines.push(`  ${certificate.status === 'skip' ? '-' : mark(certificate.status === 'ok')} ${certificate.detail}`);
  if (certificate.fix) lines.push(`      fix: ${certificate.fix}`);
  return lines;
}

/**
 * `hpc-ha status`: one screen of how the running deployment is. Exit 0 healthy, 1 degraded, 2 when it cannot be
 * read (no credentials, AWS unreachable, a refused call): a status that cannot be read is not a healthy one.
 */
export async function statusCommand(flags: StatusFlags, ui: Ui): Promise<ExitCode> {
  const config = await loadConfig(flags, ui);
  const [{ collectStatus }, { certificateCheck }, cfn, cw, ec2, elb, { classifyAwsError }] = await Promise.all([
    import('../status/collect.js'),
    import('../certificate-expiry.js'),
    import('@aws-sdk/client-cloudformation'),
    import('@aws-sdk/client-cloudwatch'),
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-elastic-load-balancing-v2'),
    import('../aws-failure.js'),
  ]);
  const cfg = clientConfig(config.region);
  const clients = {
    cloudformation: new cfn.CloudFormationClient(cfg),
    cloudwatch: new cw.CloudWatchClient(cfg),
    ec2: new ec2.EC2Client(cfg),
    elbv2: new elb.ElasticLoadBalancingV2Client(cfg),
  };
  let status: DeploymentStatus;
  let certificate: CheckResult;
  try {
    status = await collectStatus(config, clients);
    certificate = await certificateCheck(config);
  } catch (e) {
    if (e instanceof CliError) throw new CliError(e.message, EXIT_USAGE, e.hint);
    const f = classifyAwsError(e);
    throw new CliError(`cannot read the status of ${config.name} (${config.region}): ${f.message}`, EXIT_USAGE, f.hint ?? 'the caller needs cloudformation:Describe*, elasticloadbalancing:DescribeTargetHealth, ec2:DescribeInstances, cloudwatch:DescribeAlarms, acm:DescribeCertificate');
  } finally {
    for (const c of Object.values(clients)) c.destroy();
  }
  // The certificate check reports unreadable ACM or CloudFormation as a failed check; status treats it as an error.
  if (certificate.status === 'fail' && /^cannot /.test(certificate.detail)) {
    throw new CliError(`cannot read the listener certificate: ${certificate.detail}`, EXIT_USAGE, certificate.fix);
  }
  const found = problems(status, certificate);
  if (flags.json) {
    ui.out(JSON.stringify({ ...status, certificate: { status: certificate.status, detail: certificate.detail }, healthy: found.length === 0, problems: found }, null, 2));
  } else {
    for (const line of render(status, certificate, found, ui)) ui.out(line);
  }
  return found.length === 0 ? EXIT_OK : EXIT_FAILURE;
}
