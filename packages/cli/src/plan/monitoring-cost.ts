import { modelledResources, type DeploymentConfig } from '@hpc-ha/infra/config';
import { HOURS_PER_MONTH, type PriceList } from './price-list.js';

/** One line of the estimate: what, how many, and the price the Price List has for it (undefined: not found). */
export interface MonitoringLine {
  readonly what: string;
  readonly count: number;
  readonly price: Awaited<ReturnType<PriceList['lowest']>>;
  /** Multiplier from the price's unit to a month, and how to say it. */
  readonly per: number;
  readonly perLabel: string;
}

const usage = (suffix: string) => (a: Record<string, string>) => (a['usagetype'] ?? '').endsWith(suffix);
const monthly = (unit: string) => (/hr|hour/i.test(unit) ? { per: HOURS_PER_MONTH, perLabel: `${HOURS_PER_MONTH} h` } : { per: 1, perLabel: 'month' });

/**
 * The Monitoring stack's standing charges: its standard-resolution alarms, the dashboard and (with
 * `notifications.emails`) the topic's KMS key, at the Region's list prices (CNY in China). Counts come from the same
 * model as `hpc-ha plan`, so they match what the app creates. CloudWatch's free tier (10 alarms, 3 dashboards) is
 * per account, not per deployment, so it is not subtracted.
 */
export async function monitoringCost(config: DeploymentConfig, prices: PriceList): Promise<MonitoringLine[]> {
  const counts = modelledResources(config).Monitoring;
  const lines: MonitoringLine[] = [];
  const alarms = counts['AWS::CloudWatch::Alarm'] ?? 0;
  const alarm = await prices.lowest('AmazonCloudWatch', [], () => true, usage('CW:AlarmMonitorUsage'));
  lines.push({ what: 'CloudWatch alarms (standard resolution)', count: alarms, price: alarm, ...monthly(alarm?.unit ?? '') });
  const dashboard = await prices.lowest('AmazonCloudWatch', [], () => true, (a) => (a['usagetype'] ?? '').includes('DashboardsUsageHour'));
  lines.push({ what: 'CloudWatch dashboard', count: counts['AWS::CloudWatch::Dashboard'] ?? 0, price: dashboard, ...monthly(dashboard?.unit ?? '') });
  const keys = counts['AWS::KMS::Key'] ?? 0;
  if (keys > 0) {
    const key = await prices.lowest('awskms', [], () => true, usage('KMS-Keys'));
    lines.push({ what: 'KMS key of the alarm topic', count: keys, price: key, ...monthly(key?.unit ?? '') });
  }
  return lines;
}
