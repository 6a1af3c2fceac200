import type { ConfigCheck, DeploymentConfig } from '../config/index.js';
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
    ...(config.clusters.provisioner === 'instance' ? { clusterConfigUris: [s3, s3] as const } : {}),
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

/**
 * A config check for the loader: each portal node's user data must fit EC2's 16 KB. It carries settings and a loader
 * only (with `provisioner: instance` the cluster configs are S3 objects), so its size does not depend on the queues;
 * what can still push it over are long values such as a pre-signed download URL or a package index URL.
 */
export const portalUserDataFits: ConfigCheck = (config) => {
  const sizes = portalUserDataBytes(config);
  const over = ([0, 1] as const).filter((i) => sizes[i] > USER_DATA_LIMIT_BYTES);
  if (over.length === 0) return [];
  const bytes = Math.max(...over.map((i) => sizes[i]));
  return [
    {
      path: ['portal'],
      message:
        `the user data of portal node ${over.map((i) => i + 1).join(' and ')} would be about ${bytes} bytes, over EC2's limit of ${USER_DATA_LIMIT_BYTES}; ` +
        'shorten the longest values it carries (artifact URLs, clusters.pipIndexUrl, directory settings)',
    },
  ];
};
