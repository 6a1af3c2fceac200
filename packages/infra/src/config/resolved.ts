import type { DeploymentConfigFile, QueueConfig } from './schema.js';
import type { FsxDeploymentType, Partition, RegionProfile } from './region-profile.js';
import type { DirectoryConfig } from './directory.js';
import { DEFAULT_OPENONDEMAND_VERSION } from './ondemand.js';
import type { OpenOnDemandConfigFile } from './ondemand-schema.js';

type PortalFile = DeploymentConfigFile['portal'];
type PortalCommon = Omit<PortalFile, 'kind' | 'adminPasswordSecretArn' | 'installer' | 'jdbcDriver' | 'openondemand'>;

/** `portal.kind: enginframe` (the default): the EnginFrame settings are all present. */
export interface EnginFramePortalConfig extends PortalCommon {
  readonly kind: 'enginframe';
  readonly adminPasswordSecretArn: string;
  /** The EnginFrame build, as written or read from the installer's file name. */
  readonly installer: NonNullable<PortalFile['installer']> & { readonly version: string };
  readonly jdbcDriver: NonNullable<PortalFile['jdbcDriver']>;
}

/** `portal.kind: openondemand`: Open OnDemand settings with defaults filled in. */
export interface OpenOnDemandPortalConfig extends PortalCommon {
  readonly kind: 'openondemand';
  readonly openondemand: Omit<OpenOnDemandConfigFile, 'clusters'> & { readonly clusters: readonly ClusterId[] };
}

export type PortalConfig = EnginFramePortalConfig | OpenOnDemandPortalConfig;

/** A loaded, validated deployment config with every default filled in, ready for the CDK app and the CLI. */
export interface DeploymentConfig extends Omit<DeploymentConfigFile, 'portal' | 'network' | 'storage' | 'loadBalancer' | 'clusters' | 'directory'> {
  readonly partition: Partition;
  readonly urlSuffix: string;
  readonly regionProfile: RegionProfile;
  readonly portal: PortalConfig;
  readonly network: DeploymentConfigFile['network'] & { readonly availabilityZones: readonly [string, string] };
  readonly storage: {
    readonly fsx: {
      readonly deploymentType: FsxDeploymentType;
      readonly storageCapacityGiB: number;
      /** Absent for SCRATCH types, which have no per-unit throughput. */
      readonly perUnitStorageThroughput?: number;
    };
  };
  readonly loadBalancer: DeploymentConfigFile['loadBalancer'] & { readonly internetFacing: boolean };
  readonly clusters: DeploymentConfigFile['clusters'] & { readonly pipIndexUrl?: string };
  /** Where users come from; `{ type: 'none' }` = local accounts only. */
  readonly directory: DirectoryConfig;
  /** The file the config was read from, as the user named it. */
  readonly sourceFile: string;
}

export type ClusterId = 'cluster1' | 'cluster2';

/** One of the two clusters: which AZ it lives in and every queue it gets. */
export interface ClusterPlan {
  readonly id: ClusterId;
  /** ParallelCluster cluster name (also its CloudFormation stack name in v3). */
  readonly name: string;
  /** 0 for the first AZ, 1 for the second. */
  readonly azIndex: 0 | 1;
  readonly availabilityZone: string;
  /** Shared queues first, then this cluster's own. */
  readonly queues: readonly QueueConfig[];
  /** Mount dir of this cluster's FSx for Lustre. */
  readonly fsxMountDir: string;
}

export const CLUSTER_IDS: readonly ClusterId[] = ['cluster1', 'cluster2'];

export function clusterName(deploymentName: string, id: ClusterId): string {
  return `${deploymentName}-${id}`;
}

export function clusterPlans(config: Pick<DeploymentConfig, 'name' | 'network' | 'clusters'>): [ClusterPlan, ClusterPlan] {
  const plan = (id: ClusterId, azIndex: 0 | 1): ClusterPlan => ({
    id,
    name: clusterName(config.name, id),
    azIndex,
    availabilityZone: config.network.availabilityZones[azIndex],
    queues: [...config.clusters.queues, ...(config.clusters.overrides[id]?.queues ?? [])],
    fsxMountDir: `/fsx_${id}`,
  });
  return [plan('cluster1', 0), plan('cluster2', 1)];
}

/** The EnginFrame settings of a config whose portal is EnginFrame (the EnginFrame stack and artifacts use only these). */
export function enginframePortal(config: Pick<DeploymentConfig, 'portal'>): EnginFramePortalConfig {
  if (config.portal.kind !== 'enginframe') throw new Error(`internal: portal.kind is ${config.portal.kind}, not enginframe`);
  return config.portal;
}

/** The Open OnDemand settings a file gives, or their defaults (a file may set portal.kind alone). */
export function resolveOpenOnDemand(ood: OpenOnDemandConfigFile | undefined): OpenOnDemandPortalConfig['openondemand'] {
  const given = ood ?? { version: DEFAULT_OPENONDEMAND_VERSION, title: 'Open OnDemand', idleTimeoutMinutes: 480 };
  return { ...given, clusters: given.clusters ?? CLUSTER_IDS };
}
