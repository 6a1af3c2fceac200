import type { DeploymentConfig } from '@hpc-ha/infra/config';

/**
 * Which CloudWatch alarms belong to this deployment: the one place that decides it, so it follows the alarm names
 * the infra stacks give (every alarm of a deployment is named `<deploymentName>-…`, as its stacks are). Used as
 * DescribeAlarms' AlarmNamePrefix, so other deployments' alarms in the account are never listed.
 */
export function deploymentAlarmPrefix(config: Pick<DeploymentConfig, 'name'>): string {
  return `${config.name}-`;
}
