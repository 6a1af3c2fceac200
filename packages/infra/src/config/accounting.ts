/**
 * Slurm accounting: which database and user each cluster's slurmdbd gets, and whether a deployment has an Aurora
 * cluster at all. Pure functions of the config, shared by the CDK app, `hpc-ha plan` and the cost estimate.
 */
import { clusterPlans, type ClusterId, type DeploymentConfig } from './resolved.js';

/** The fields the predicates below read; a loaded config has them, and so do the plan's and cost's inputs. */
export interface DatabaseInputs {
  readonly portal: { readonly kind: 'enginframe' | 'openondemand' };
  readonly accounting?: { readonly enabled: boolean };
}

/** True when both clusters get Slurm accounting (`accounting.enabled`). */
export function accountingEnabled(config: Pick<DatabaseInputs, 'accounting'>): boolean {
  return config.accounting?.enabled === true;
}

/**
 * The one answer to "does this config create the Aurora cluster (the AuroraServerless stack)?": EnginFrame keeps its
 * state there, and Slurm accounting keeps each cluster's records there; Open OnDemand without accounting needs none.
 * The CDK app, the plan's stack graph and resource model, and the cost estimate all ask this function.
 */
export function createsDatabase(config: DatabaseInputs): boolean {
  return config.portal.kind === 'enginframe' || accountingEnabled(config);
}

/** One cluster's accounting database in Aurora and the MySQL user its slurmdbd connects as. */
export interface AccountingDatabase {
  readonly clusterId: ClusterId;
  readonly clusterName: string;
  /**
   * ParallelCluster's own default (the cluster name with `-` as `_`), rendered as `Database.DatabaseName` where the
   * version has the key, so the name is the same either way. Always matches `^[0-9a-z_]{1,64}$`: cluster names are
   * a deployment name (at most 24 lower-case letters, digits, hyphens) plus `-clusterN`.
   */
  readonly databaseName: string;
  /** `slurm_cluster1`/`slurm_cluster2`: one Aurora per deployment, so these are unique there; 32 characters at most. */
  readonly userName: string;
}

/** MySQL 8 (Aurora MySQL 3) user names: at most 32 characters; these are plain identifiers. */
export const MYSQL_USER_NAME = /^[A-Za-z0-9_]{1,32}$/;
/** ParallelCluster's DatabaseName rule (DatabaseSchema), also a valid MySQL database name. */
export const PCLUSTER_DATABASE_NAME = /^[0-9a-z_]{1,64}$/;

export function accountingDatabases(config: Pick<DeploymentConfig, 'name' | 'network' | 'clusters'>): [AccountingDatabase, AccountingDatabase] {
  const [a, b] = clusterPlans(config).map((plan) => ({
    clusterId: plan.id,
    clusterName: plan.name,
    databaseName: plan.name.replace(/-/g, '_'),
    userName: `slurm_${plan.id}`,
  }));
  return [a!, b!];
}
