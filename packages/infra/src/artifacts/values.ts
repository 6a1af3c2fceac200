import { accountingEnabled, CLUSTER_IDS, type DeploymentConfig } from '../config/index.js';
import { isLegacyParallelCluster } from './clusters.js';

type Pair<T> = readonly [T, T];

/** One FSx for Lustre file system, as the nodes mount it. */
export interface FsxValues {
  readonly fileSystemId: string;
  readonly dnsName: string;
  readonly mountName: string;
}

/**
 * The deploy-time values of the two cluster configs. The CDK app passes CDK tokens; `hpc-ha render` passes the
 * readable placeholders of {@link placeholderValues}. Pairs are in AZ order (cluster1, cluster2).
 */
export interface ClusterValues {
  readonly vpcId: string;
  readonly privateSubnetIds: Pair<string>;
  /** Additional security group of every head and compute node. */
  readonly clusterSecurityGroupId: string;
  readonly efsFileSystemId: string;
  readonly fsx: Pair<FsxValues>;
  readonly mungeKeySecretArn: string;
  /**
   * Managed policy attached to every cluster node: reads the custom-action scripts (and, for 2.x, the munge key
   * secret, which the post_install script installs itself).
   */
  readonly clusterNodePolicyArn?: string;
  /**
   * `s3://` URIs of the custom-action scripts, per cluster. ParallelCluster 2.x runs one post_install script on
   * head and compute nodes alike, so for 2.x both pairs name that script.
   */
  readonly headNodeScriptUris: Pair<string>;
  readonly computeNodeScriptUris: Pair<string>;
  /** IP addresses of the two domain controllers of the directory the stack creates (`directory.create: true`). */
  readonly directoryAddresses?: Pair<string>;
  /**
   * 3.x: `s3://` URI of the custom-action runner and the SSM parameters (per cluster) holding the current head-node
   * script's URI. When given, the head node's OnNodeConfigured is the runner (a URL that never changes) and
   * OnNodeUpdated the runner with the script's revision, so a script change is an update ParallelCluster allows.
   */
  readonly customActionRunnerUri?: string;
  readonly headNodeScriptParameters?: Pair<string>;
  /** Slurm accounting (`accounting.enabled`): what each cluster's SlurmSettings.Database names. */
  readonly accounting?: AccountingValues;
}

/** Where each cluster's slurmdbd keeps its records: the deployment's Aurora. */
export interface AccountingValues {
  /** Aurora writer (cluster) endpoint; slurmdbd connects on MySQL's port, 3306. */
  readonly databaseHost: string;
  /** Per cluster: the secret holding its slurmdbd user's password as plain text (ParallelCluster's PasswordSecretArn). */
  readonly passwordSecretArns: Pair<string>;
  /** The head nodes' additional group that the database admits. */
  readonly headNodeSecurityGroupId: string;
}

/** Every value of the generated files that is known only at deploy time. */
export interface DeploymentValues extends ClusterValues {
  /** `s3://` URI of the static portal bootstrap program. */
  readonly portalProgramUri: string;
  /** Aurora writer (cluster) endpoint; the port is MySQL's default, 3306. */
  readonly databaseEndpoint: string;
  /** `{"username", "password"}` secret of EnginFrame's database user. */
  readonly databaseUserSecretArn: string;
  /** Where each portal node signals its bootstrap result: stack name and the logical ids of the two ASGs. */
  readonly signalStackName: string;
  readonly signalResources: Pair<string>;
  /** CloudWatch Logs group the nodes ship their bootstrap log to. */
  readonly bootstrapLogGroupName: string;
  /**
   * `provisioner: instance`: `s3://` URIs of the two cluster config objects (see cluster-config-object.ts); without
   * them the configs travel in user data.
   */
  readonly clusterConfigUris?: Pair<string>;
  /** Open OnDemand: the generated secret both nodes use as mod_auth_openidc's crypto passphrase. */
  readonly oidcPassphraseSecretArn?: string;
  /** Open OnDemand: the load balancer's DNS name, the portal's server name unless the config gives one. */
  readonly loadBalancerDnsName?: string;
}

/** Readable placeholders (`<EfsFileSystemId>`) for every deploy-time value, for `hpc-ha render`. */
export function placeholderValues(config: Pick<DeploymentConfig, 'name' | 'clusters' | 'directory' | 'network' | 'accounting'>): DeploymentValues {
  const pair = (name: string): Pair<string> => [`<${name}1>`, `<${name}2>`];
  const scripts = (kind: string): Pair<string> => [
    `s3://<AssetBucketName>/<${CLUSTER_IDS[0]}${kind}ScriptKey>`,
    `s3://<AssetBucketName>/<${CLUSTER_IDS[1]}${kind}ScriptKey>`,
  ];
  const legacy = isLegacyParallelCluster(config);
  const fsx = (n: 1 | 2): FsxValues => ({
    fileSystemId: `<FsxFileSystemId${n}>`,
    dnsName: `<FsxDnsName${n}>`,
    mountName: `<FsxMountName${n}>`,
  });
  return {
    vpcId: '<VpcId>',
    privateSubnetIds: pair('PrivateSubnetId'),
    clusterSecurityGroupId: '<ClusterSecurityGroupId>',
    efsFileSystemId: '<EfsFileSystemId>',
    fsx: [fsx(1), fsx(2)],
    mungeKeySecretArn: '<MungeKeySecretArn>',
    clusterNodePolicyArn: '<ClusterNodePolicyArn>',
    headNodeScriptUris: scripts(legacy ? 'PostInstall' : 'HeadNode'),
    computeNodeScriptUris: scripts(legacy ? 'PostInstall' : 'ComputeNode'),
    ...(legacy
      ? {}
      : { customActionRunnerUri: 's3://<AssetBucketName>/<CustomActionRunnerKey>', headNodeScriptParameters: pair('HeadNodeScriptParameterName') }),
    portalProgramUri: 's3://<AssetBucketName>/<PortalProgramKey>',
    ...(config.clusters.provisioner === 'instance'
      ? { clusterConfigUris: [`s3://<AssetBucketName>/<${CLUSTER_IDS[0]}ConfigKey>`, `s3://<AssetBucketName>/<${CLUSTER_IDS[1]}ConfigKey>`] as const }
      : {}),
    databaseEndpoint: '<DatabaseEndpoint>',
    databaseUserSecretArn: '<DatabaseUserSecretArn>',
    signalStackName: '<EnginFrameStackName>',
    signalResources: pair('PortalAutoScalingGroupLogicalId'),
    bootstrapLogGroupName: '<BootstrapLogGroupName>',
    oidcPassphraseSecretArn: '<OidcPassphraseSecretArn>',
    loadBalancerDnsName: '<LoadBalancerDnsName>',
    ...(config.directory.type === 'activeDirectory' && config.directory.create ? { directoryAddresses: pair('DirectoryDnsIp') } : {}),
    ...(accountingEnabled(config)
      ? {
          accounting: {
            databaseHost: '<DatabaseEndpoint>',
            passwordSecretArns: pair('SlurmDbPasswordSecretArn'),
            headNodeSecurityGroupId: '<HeadNodeDatabaseClientSecurityGroupId>',
          },
        }
      : {}),
  };
}
