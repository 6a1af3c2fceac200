import { alarmNamePrefix, type DeploymentConfig } from '@hpc-ha/infra/config';

/**
 * Which CloudWatch alarms belong to this deployment: the prefix the Monitoring stack names every alarm with
 * (`hpc-ha/<name>/`), used as DescribeAlarms' AlarmNamePrefix, so other deployments' alarms in the account are never
 * listed. Deployment names hold only `[a-z0-9-]`, so one deployment's prefix never starts another's.
 */
export function deploymentAlarmPrefix(config: Pick<DeploymentConfig, 'name'>): string {
  return alarmNamePrefix(config.name);
}
