import { CLUSTER_IDS, type ConfigCheck, type ConfigCheckIssue, type DeploymentConfig } from '../config/index.js';
import { buildDeploymentArtifacts } from './render.js';
import { placeholderValues, type DeploymentValues, type FsxValues } from './values.js';

/** EC2 takes at most 16 KB of user data before base64 (Amazon EC2 User Guide, user data limits). */
export const USER_DATA_LIMIT_BYTES = 16 * 1024;

/**
 * Deploy-time values as long as real ones get in this region (CDK asset keys are 64 hex digits, ARNs carry a
 * generated suffix), so that a user data that fits with these fits when CloudFormation fills in the real ones.
 */
export function realisticValues(config: DeploymentConfig): DeploymentValues {
  const p = placeholderValues(config);
  const secret = (kind: string) => `arn:${config.partition}:secretsmanager:${config.region}:123456789012:secret:${kind}${'x'.repeat(40)}-AbCdEf`;
  const s3 = `s3://cdk-hnb659fds-assets-123456789012-${config.region}/${'f'.repeat(64)}.sh`;
  const fsx = (i: number): FsxValues => ({ fileSystemId: `fs-0123456789abcdef${i}`, dnsName: `fs-0123456789abcdef${i}.fsx.${config.region}.${config.urlSuffix}`, mountName: 'abcdefgh' });
  return {
    ...p,
    vpcId: 'vpc-0123456789abcdef0',
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    efsFileSystemId: 'fs-0123456789abcdeff',
    fsx: [fsx(0), fsx(1)],
    mungeKeySecretArn: secret('MungeKeySecret'),
    clusterNodePolicyArn: `arn:${config.partition}:iam::123456789012:policy/parallelcluster/${'ClusterScriptsNodePolicy'.padEnd(60, 'X')}`,
    headNodeScriptUris: [s3, s3],
    computeNodeScriptUris: [s3, s3],
    portalProgramUri: s3,
    databaseEndpoint: `${config.name}-auroraserverless-clustereb0386a7-abcdefghijkl.cluster-c0123456789a.${config.region}.rds.${config.urlSuffix}`,
    databaseUserSecretArn: secret('EnginFrameUserSecret'),
    signalStackName: `${config.name}-EnginFrame`,
    signalResources: ['Node1GroupASG37FFD1D6', 'Node2GroupASG12345678'],
    bootstrapLogGroupName: `${config.name}-EnginFrame-BootstrapLogsA435FFA5-${'a'.repeat(12)}`,
    ...(p.accounting
      ? {
          // provisioner: instance carries each cluster's config, SlurmSettings.Database included, in the user data.
          accounting: {
            ...p.accounting,
            databaseHost: `${config.name}-auroraserverless-clustereb0386a7-abcdefghijkl.cluster-c0123456789a.${config.region}.rds.${config.urlSuffix}`,
            passwordSecretArns: [secret('SlurmAccountingCluster1Password'), secret('SlurmAccountingCluster2Password')],
            headNodeSecurityGroupId: 'sg-0123456789abcdef1',
          },
        }
      : {}),
  };
}

/** Bytes of each portal node's user data with realistic deploy-time values. */
export function portalUserDataBytes(config: DeploymentConfig): [number, number] {
  const nodes = buildDeploymentArtifacts(config, realisticValues(config)).portalNodes;
  return [Buffer.byteLength(nodes[0].userData), Buffer.byteLength(nodes[1].userData)];
}

/** The config with cluster `index`'s queue list cut to its first `count` (shared queues first, then its own). */
function withQueues(config: DeploymentConfig, index: 0 | 1, count: number): DeploymentConfig {
  const id = CLUSTER_IDS[index]!;
  const shared = config.clusters.queues;
  const own = config.clusters.overrides[id]?.queues ?? [];
  return {
    ...config,
    clusters: {
      ...config.clusters,
      queues: shared.slice(0, count),
      overrides: { ...config.clusters.overrides, [id]: { ...config.clusters.overrides[id], queues: own.slice(0, Math.max(0, count - shared.length)) } },
    },
  };
}

/**
 * A config check for the loader (`loadDeploymentConfig(path, { checks: [portalUserDataFits] })`): each portal node's
 * user data (with `provisioner: instance` it carries its cluster's whole ParallelCluster config, about 0.6 KB per
 * queue) must fit EC2's 16 KB. When it does not, the issue points at the queue that tips it over.
 */
export const portalUserDataFits: ConfigCheck = (config) => {
  const sizes = portalUserDataBytes(config);
  const byPath = new Map<string, { path: (string | number)[]; nodes: number[]; fit: number; bytes: number }>();
  ([0, 1] as const).forEach((index) => {
    if (sizes[index] <= USER_DATA_LIMIT_BYTES) return;
    const id = CLUSTER_IDS[index]!;
    const shared = config.clusters.queues.length;
    const total = shared + (config.clusters.overrides[id]?.queues?.length ?? 0);
    let count = 1;
    while (count < total && portalUserDataBytes(withQueues(config, index, count))[index] <= USER_DATA_LIMIT_BYTES) count++;
    const q = count - 1;
    const path = q < shared ? ['clusters', 'queues', q] : ['clusters', 'overrides', id, 'queues', q - shared];
    const key = path.join('.');
    const seen = byPath.get(key);
    if (seen) seen.nodes.push(index + 1);
    else byPath.set(key, { path, nodes: [index + 1], fit: q, bytes: sizes[index] });
  });
  return [...byPath.values()].map(({ path, nodes, fit, bytes }): ConfigCheckIssue => ({
    path,
    message:
      `the user data of portal node ${nodes.join(' and ')} would be about ${bytes} bytes, over EC2's limit of ${USER_DATA_LIMIT_BYTES}: ` +
      `with provisioner: ${config.clusters.provisioner} it carries its cluster's ParallelCluster config, and this is the first queue ` +
      `that does not fit (${fit} fit); remove queues or use provisioner: cloudformation`,
  }));
};
