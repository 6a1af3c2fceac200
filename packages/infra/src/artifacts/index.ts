/**
 * `@hpc-ha/infra/artifacts`: every file generated for a deployment, from the config and its deploy-time values.
 * Pure (no aws-cdk-lib, no I/O): `hpc-ha render` calls it with readable placeholders, the CDK stacks with tokens.
 */
export { placeholderValues, type ClusterValues, type DeploymentValues, type FsxValues } from './values.js';
export {
  buildDeploymentArtifacts,
  envValue,
  renderDeploymentArtifacts,
  staticArtifacts,
  type ArtifactFile,
  type DeploymentArtifacts,
  type PortalNodeArtifacts,
  type StaticArtifacts,
} from './render.js';
export {
  clusterArtifacts,
  clusterIamResourcePrefix,
  clusterSpec,
  isLegacyParallelCluster,
  scriptRevision,
  EFS_MOUNT_DIR,
  PUBLISH_ROOT,
  QUEUE_UPDATE_STRATEGY,
  SRUN_PORT_RANGE,
  type ClusterArtifacts,
} from './clusters.js';
export {
  DATABASE_PORT,
  ENGINFRAME_DATABASE,
  ENGINFRAME_DB_USER,
  enginframeVersion,
  portalBootstrapSpec,
  portalUserData,
} from './portal.js';
export { ONDEMAND_LOG_FILE, ondemandBootstrapSpec, ondemandEnv, ondemandProgram } from './ondemand.js';
export { DIRECTORY_CA_FILE, clusterDirectoryService, directoryAccessFilter, portalDirectory, sssdSpec } from './directory.js';
export { portalUserDataBytes, portalUserDataFits, realisticValues, USER_DATA_LIMIT_BYTES } from './user-data-budget.js';
export { clusterConfigObjects, clusterConfigPlaceholders, fillPlaceholders, type ClusterConfigObject } from './cluster-config-object.js';
export { DEPLOY_TIME_CHECKS } from './deploy-time-checks.js';
export { clustersTemplateBytes, clustersTemplateFits, TEMPLATE_LIMIT_BYTES } from './template-size-budget.js';
