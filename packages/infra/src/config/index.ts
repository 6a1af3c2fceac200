/**
 * The deployment-config loader (`@hpc-ha/infra/config`). It must never import aws-cdk-lib, so that the CLI can
 * validate a config without paying for the CDK's start-up. For the same reason it loads neither TypeBox nor the ajv
 * compiler: the schema's validator is generated at build time (`scripts/codegen.ts`); the TypeBox definition itself is
 * `./schema.ts`, and the published JSON Schema is `schema/hpc-ha.schema.json`.
 */
export { loadDeploymentConfig, parseDeploymentConfig, type ConfigCheck, type ConfigCheckIssue, type LoadOptions } from './load.js';
export { ConfigError, formatIssue, isConfigError, type ConfigIssue } from './errors.js';
export type { DeploymentConfigFile, QueueConfig, ComputeResourceConfig } from './schema.js';
export {
  accountingDatabases,
  accountingEnabled,
  createsDatabase,
  MYSQL_USER_NAME,
  PCLUSTER_DATABASE_NAME,
  type AccountingDatabase,
  type DatabaseInputs,
} from './accounting.js';
export {
  clusterName,
  clusterPlans,
  CLUSTER_IDS,
  enginframePortal,
  type ClusterId,
  type ClusterPlan,
  type DeploymentConfig,
  type EnginFramePortalConfig,
  type OpenOnDemandPortalConfig,
  type PortalConfig,
} from './resolved.js';
export { DEFAULT_OPENONDEMAND_VERSION, PORTAL_KINDS, type PortalKind } from './ondemand.js';
export { ondemandDesktop, type DesktopConfig } from './desktop.js';
export { REGION_PROFILES, regionProfile, type Partition, type RegionProfile, type FsxDeploymentType } from './region-profile.js';
export { isArmInstanceType, parseInstanceType } from './instance-types.js';
export { parsePclusterVersion, supportedOses, type PclusterVersion } from './parallelcluster.js';
export {
  ALARM_IDS,
  alarmName,
  alarmNamePrefix,
  CERTIFICATE_EXPIRY_ALARM_DAYS,
  dashboardName,
  MONITORING_OUTPUTS,
  monitoredCertificate,
  parallelclusterHeadNodeAlarmName,
  type AlarmId,
} from './alarms.js';
export { CERTIFICATE_ARN_OUTPUT, ONDEMAND_PORTAL_URL_OUTPUT, PORTAL_URL_OUTPUT, portalTarget, STACK_IDS, stackName, type PortalTarget, type StackId } from './stacks.js';
export {
  DIRECTORY_HOME_ROOT, DIRECTORY_TYPES, LDAP_TLS_REQCERT, domainBaseDn, managedAdUsersOu,
  type ActiveDirectory, type DirectoryConfig, type DirectoryType, type LdapDirectory, type LdapTlsReqCert, type VerifiedFile,
} from './directory.js';
export { createsManagedDirectory } from './database.js';
export { formatCidr, subnetLayout, type SubnetLayout } from './subnet-layout.js';
export {
  deployTiming,
  deployWaves,
  modelledResources,
  stackGraph,
  TYPICAL_MINUTES,
  type DeployTiming,
  type Phase,
  type ResourceCounts,
  type StackNode,
  type StackTiming,
} from './plan/index.js';
export { NOT_STATEFUL_HERE, SNAPSHOT_RESOURCE_TYPES, STATEFUL_RESOURCE_TYPES } from './stateful.js';
