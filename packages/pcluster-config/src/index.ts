/**
 * @hpc-ha/pcluster-config: ParallelCluster configs from a typed ClusterSpec (v3 YAML/object, legacy 2.x INI),
 * the custom-action scripts for head and compute nodes, and a reusable validator for any v3 cluster config.
 */
export { isDeployTimeValue } from './deploy-time.js';
export { formatIssues, type ConfigIssue } from './issues.js';
export {
  CLUSTER_SPEC_DEFAULTS, ClusterSpecSchema, PARTITIONS, SPEC_OSES, type ClusterSpec, type Partition,
  type ResolvedClusterSpec,
} from './spec/cluster-spec.js';
export { ClusterSpecError, type SpecProblem } from './spec/errors.js';
export { parseClusterSpec } from './spec/parse-spec.js';
export { renderClusterConfig } from './render/cluster-config.js';
export {
  clusterIamResources, resourcePrefixProblems, splitResourcePrefix, DEFAULT_IAM_PATH, type ClusterIamResources, type SplitResourcePrefix,
} from './iam/resource-prefix.js';
export { renderLegacyIni } from './render/legacy-ini.js';
export { renderHeadNodeScript } from './scripts/head-node.js';
export { renderComputeNodeScript } from './scripts/compute-node.js';
export { DESKTOP_AVAILABILITY, type DesktopAvailability } from './desktop-availability.js';
export type { DesktopSession } from './scripts/desktop.js';
export { DESKTOP_BIN_DIR, TIGERVNC_SHIM } from './scripts/vncserver-shim.js';
export { renderCustomActionRunner } from './scripts/runner.js';
export { renderLegacyPostInstallScript } from './scripts/legacy-post-install.js';
export { validateClusterConfig, type ValidateOptions, type ValidationResult } from './validate/validate-config.js';
export { ClusterConfigSchema } from './schema/cluster.js';
export { V3_OSES } from './schema/image.js';
export {
  planClusterUpdate, type PlanOptions, type PlannedChange, type UpdateOutcome, type UpdatePlan,
} from './update/plan.js';
export { UPDATE_POLICIES, type UpdatePolicyName } from './update/policies.js';
export { POLICY_TABLE, UNCLASSIFIED_KEYS } from './update/policy-table.js';
