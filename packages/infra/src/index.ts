/**
 * @hpc-ha/infra: the hpc-ha CDK app. `createApp(config)` builds every stack of one deployment; the stacks and
 * constructs are exported for reuse and tests. The config loader is `@hpc-ha/infra/config`, the generated files
 * (without aws-cdk-lib) are `@hpc-ha/infra/artifacts`.
 */

export { APP_CONTEXT, STACK_IDS, addDeploymentStacks, createApp, type CreateAppProps, type HpcStacks, type StackId } from './app.js';
export { AlbStack, type AlbStackProps } from './stacks/alb-stack.js';
export { ClustersStack, clusterValues, pclusterProviderTemplateUrl, type ClusterInfrastructure, type ClustersStackProps } from './stacks/clusters-stack.js';
export { logRetention, statefulRemovalPolicy, type HpcStackProps } from './stacks/common.js';
export { DatabaseStack, type DatabaseStackProps } from './stacks/database-stack.js';
export { EfsStack, type EfsStackProps } from './stacks/efs-stack.js';
export { EnginFrameStack, type EnginFrameStackProps } from './stacks/enginframe-stack.js';
export { FsxStack, type FsxStackProps } from './stacks/fsx-stack.js';
export { VpcStack } from './stacks/vpc-stack.js';
export { BundledProvider, type BundledProviderProps } from './constructs/bundled-provider.js';
export { ClusterScripts, type ClusterScriptsProps } from './constructs/cluster-scripts.js';
export { MungeKeySecret, type MungeKeySecretProps } from './constructs/munge-key.js';
export { parallelClusterOperatorStatements } from './constructs/parallelcluster-iam.js';
export { PortalNode, type PortalNodeProps } from './constructs/portal-node.js';
export { PortalTier, type PortalTierProps } from './constructs/portal-tier.js';
export { HpcSecurityGroups, LUSTRE_PORTS, PORTAL_HTTPS_PORT, type HpcSecurityGroupsProps } from './constructs/security-groups.js';
export { textAsset } from './constructs/text-asset.js';
export { acknowledge } from './nag.js';
