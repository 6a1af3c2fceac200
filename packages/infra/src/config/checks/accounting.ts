import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';
import { quote } from './report.js';

/** Slurm accounting needs ParallelCluster 3's SlurmSettings.Database (3.3.0+; every 3.x this product supports). */
export function checkAccounting(c: DeploymentConfigFile, r: Report): void {
  if (!c.accounting.enabled) return;
  if (c.clusters.parallelclusterVersion.startsWith('2.')) {
    r.error(
      ['accounting', 'enabled'],
      `Slurm accounting needs ParallelCluster 3 (Scheduling.SlurmSettings.Database); clusters.parallelclusterVersion is ${quote(c.clusters.parallelclusterVersion)}: set accounting.enabled: false or use 3.x`,
    );
  }
}
