/**
 * The deployment-config loader (`@hpc-ha/infra/config`). It must never import aws-cdk-lib, so that the CLI can
 * validate a config without paying for the CDK's start-up.
 */
export { loadDeploymentConfig, parseDeploymentConfig, type LoadOptions } from './load.js';
export { ConfigError, formatIssue, isConfigError, type ConfigIssue } from './errors.js';
export { DeploymentConfigSchema, deploymentConfigJsonSchema, type DeploymentConfigFile, type QueueConfig, type ComputeResourceConfig } from './schema.js';
export { clusterName, clusterPlans, CLUSTER_IDS, type ClusterId, type ClusterPlan, type DeploymentConfig } from './resolved.js';
export { REGION_PROFILES, regionProfile, partitionOfRegion, type Partition, type RegionProfile, type FsxDeploymentType } from './region-profile.js';
export { isArmInstanceType, parseInstanceType } from './instance-types.js';
export { parsePclusterVersion, supportedOses, type PclusterVersion } from './parallelcluster.js';
