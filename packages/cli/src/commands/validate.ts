import type { ClusterPlan, ConfigIssue, DeploymentConfig } from '@hpc-ha/infra/config';
import { configPath, requireConfigFile } from '../config-path.js';
import { EXIT_OK, EXIT_USAGE, usageError, type ExitCode } from '../exit.js';
import type { Ui } from '../ui.js';
import { CHECK } from '../ui.js';

export interface ValidateFlags {
  config?: string;
  json?: boolean;
}

/** `hpc-ha validate`: the full loader and the deploy-time checks synth runs (it must never pull in aws-cdk-lib). */
export async function validateCommand(flags: ValidateFlags, ui: Ui, args: string[] = []): Promise<ExitCode> {
  const [file] = args;
  if (file !== undefined && flags.config !== undefined && file !== flags.config) throw usageError(`two configs given: ${file} and -c ${flags.config}`);
  const explicit = file ?? flags.config;
  const path = configPath(explicit);
  const { loadDeploymentConfig, isConfigError, formatIssue, clusterPlans } = await import('@hpc-ha/infra/config');
  if (!flags.json) requireConfigFile(path, explicit !== undefined);
  const warnings: ConfigIssue[] = [];
  let config: DeploymentConfig;
  try {
    // The same deploy-time checks synth runs (user data, template sizes); the generators only, no aws-cdk-lib.
    const { DEPLOY_TIME_CHECKS } = await import('@hpc-ha/infra/artifacts');
    config = loadDeploymentConfig(path, { onWarning: (w) => warnings.push(w), checks: DEPLOY_TIME_CHECKS });
  } catch (e) {
    if (!isConfigError(e)) throw e;
    if (flags.json) {
      ui.out(JSON.stringify([...e.issues, ...warnings], null, 2));
    } else {
      for (const issue of e.issues) ui.error(formatIssue(issue));
      ui.error(`${e.issues.length} problem${e.issues.length === 1 ? '' : 's'} in ${path}`);
    }
    return EXIT_USAGE;
  }
  const { placeholderIssuesOf } = await import('../placeholders.js');
  warnings.push(...placeholderIssuesOf(path));
  warnings.sort((a, b) => a.line - b.line || a.column - b.column);
  if (flags.json) {
    ui.out(JSON.stringify(warnings, null, 2));
    return EXIT_OK;
  }
  for (const w of warnings) ui.warn(formatIssue(w));
  ui.out(`${ui.style.ok(CHECK)} ${path} is valid`);
  if (!ui.quiet) for (const line of summary(config, clusterPlans(config))) ui.out(`  ${line}`);
  return EXIT_OK;
}

function summary(config: DeploymentConfig, plans: readonly ClusterPlan[]): string[] {
  const db = config.database.mode === 'serverless-v2'
    ? `Aurora MySQL 3 Serverless v2, ${config.database.minCapacity}-${config.database.maxCapacity} ACU`
    : `Aurora MySQL 3 provisioned, ${config.database.instanceType ?? '?'}`;
  const lines = [
    `deployment ${config.name} in ${config.region} (partition ${config.partition}), AZs ${config.network.availabilityZones.join(' + ')}`,
    `portal: 2 × ${config.portal.instanceType} behind an ${config.loadBalancer.internetFacing ? 'internet-facing' : 'internal'} ALB, allowed ${config.loadBalancer.allowedCidrs.join(', ')}`,
    `database: ${db}`,
    `storage: EFS /efs + FSx for Lustre ${config.storage.fsx.deploymentType} ${config.storage.fsx.storageCapacityGiB} GiB per AZ`,
  ];
  for (const plan of plans) {
    const queues = plan.queues.map((q) => `${q.name}(${q.computeResources.map((r) => r.instanceType).join(',')})`).join(' ');
    lines.push(`${plan.name} in ${plan.availabilityZone}: ParallelCluster ${config.clusters.parallelclusterVersion}, head ${config.clusters.headNode.instanceType}, queues ${queues}`);
  }
  const d = config.directory;
  if (d.type !== 'none') {
    const where = d.type === 'activeDirectory' && d.create ? 'AWS Managed Microsoft AD created in both private subnets' : `${d.uris.length} server(s)`;
    lines.push(`users: ${d.type === 'ldap' ? `LDAP ${d.baseDn}` : `Active Directory ${d.domainName}`} (${where}), homes ${d.homeDirectory.replace('%u', '<user>')}, admins: group ${d.adminGroup}`);
  }
  if (config.disposable) lines.push('disposable: data is deleted with the stacks');
  return lines;
}
