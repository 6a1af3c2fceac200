/**
 * Names of the deployment's CloudWatch alarms and dashboard, here rather than in the CDK app so the CLI (`hpc-ha
 * status`) finds them without loading aws-cdk-lib. Every alarm hpc-ha creates is named `hpc-ha/<name>/<alarm id>`:
 * deployment names are lower-case letters, digits and hyphens, so the prefix of one deployment never matches another's
 * (`DescribeAlarms` with `AlarmNamePrefix`).
 */
import type { ClusterId, DeploymentConfig } from './resolved.js';

/** What each alarm watches; the alarm's name ends with its id. */
export const ALARM_IDS = [
  'portal-node-unhealthy-az1',
  'portal-node-unhealthy-az2',
  'portal-node-launch-failed',
  'load-balancer-5xx',
  'portal-5xx',
  'certificate-expiring',
  'certificate-renewal-failed',
  'certificate-renewal-undelivered',
  'head-node-down-cluster1',
  'head-node-down-cluster2',
] as const;
export type AlarmId = (typeof ALARM_IDS)[number];

/** What every alarm name of a deployment starts with. */
export function alarmNamePrefix(deploymentName: string): string {
  return `hpc-ha/${deploymentName}/`;
}

export function alarmName(deploymentName: string, id: AlarmId): string {
  return `${alarmNamePrefix(deploymentName)}${id}`;
}

/** The per-AZ portal alarm of AZ 1 or 2 (index 0 or 1). */
export function portalNodeAlarmId(index: number): AlarmId {
  return index === 0 ? 'portal-node-unhealthy-az1' : 'portal-node-unhealthy-az2';
}

export function headNodeAlarmId(cluster: ClusterId): AlarmId {
  return cluster === 'cluster1' ? 'head-node-down-cluster1' : 'head-node-down-cluster2';
}

/**
 * ParallelCluster 3.8 and later creates its own head-node alarms, `<cluster>-HeadNode` (composite) and
 * `<cluster>-HeadNode-Health` (EC2 status checks), without actions. hpc-ha watches the head node itself where it knows
 * the instance at deploy time (`clusters.provisioner: cloudformation`); otherwise these are the ones to read.
 */
export function parallelclusterHeadNodeAlarmName(clusterName: string): string {
  return `${clusterName}-HeadNode`;
}

/** The deployment's one CloudWatch dashboard (names allow letters, digits, `-` and `_`). */
export function dashboardName(deploymentName: string): string {
  return `hpc-ha-${deploymentName}`;
}

/** Outputs of the Monitoring stack. */
export const MONITORING_OUTPUTS = {
  alarmNamePrefix: 'AlarmNamePrefix',
  alarmNames: 'AlarmNames',
  dashboardName: 'DashboardName',
  topicArn: 'AlarmTopicArn',
} as const;

/** The portal's stack, whose Auto Scaling groups (named `<stack name>-…` by CloudFormation) hold the portal nodes. */
export function portalStackId(config: Pick<DeploymentConfig, 'portal'>): 'EnginFrame' | 'OpenOnDemand' {
  return config.portal.kind === 'openondemand' ? 'OpenOnDemand' : 'EnginFrame';
}

/**
 * Alarm when the listener's certificate has fewer days left than this. The self-signed one is renewed 30 days before
 * it expires (so it only gets here after two failed daily renewals); ACM starts renewing its own 60 days before.
 */
export const CERTIFICATE_EXPIRY_ALARM_DAYS = 28;

/**
 * Which certificate the listener uses: ACM publishes `DaysToExpiry` for its certificates (issued or imported, the
 * self-signed one included), not for IAM server certificates, which `loadBalancer.certificateArn` may also name.
 */
export function monitoredCertificate(config: Pick<DeploymentConfig, 'loadBalancer'>): { readonly selfSigned: boolean; readonly acm: boolean } {
  const arn = config.loadBalancer.certificateArn;
  return { selfSigned: arn === undefined, acm: arn === undefined || arn.split(':')[2] === 'acm' };
}
