import { createHash } from 'node:crypto';
import {
  renderClusterConfig,
  renderComputeNodeScript,
  renderHeadNodeScript,
  renderLegacyIni,
  renderLegacyPostInstallScript,
  type ClusterSpec,
} from '@hpc-ha/pcluster-config';
import { accountingDatabases, accountingEnabled, clusterPlans, ondemandDesktop, type ClusterId, type ClusterPlan, type DeploymentConfig } from '../config/index.js';
import { clusterDirectoryService } from './directory.js';
import type { ClusterValues } from './values.js';

/** Where every node mounts the shared EFS, and the directory under it the head nodes publish to (CONTRACTS.md). */
export const EFS_MOUNT_DIR = '/efs';
export const PUBLISH_ROOT = 'hpc-ha';
/**
 * Where srun/salloc on the portal listen for callbacks (3.x clusters get it as SrunPortRange; the portal copies
 * their slurm.conf), so the portal's security group can admit exactly this range.
 */
export const SRUN_PORT_RANGE = { from: 60001, to: 63000 } as const;
/**
 * DRAIN: a queue change (its OnNodeConfigured script included) replaces compute nodes as their jobs finish,
 * instead of ParallelCluster refusing the update until the fleet is stopped by hand.
 */
export const QUEUE_UPDATE_STRATEGY = 'DRAIN';
/** Aurora MySQL's port (the database stack keeps MySQL's default). */
const AURORA_PORT = 3306;

/** A short content revision: changes exactly when the script's text does. */
export function scriptRevision(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function isLegacyParallelCluster(config: Pick<DeploymentConfig, 'clusters'>): boolean {
  return config.clusters.parallelclusterVersion.startsWith('2.');
}

/**
 * `provisioner: instance` with 3.x: the Iam.ResourcePrefix of a cluster, an IAM path of its own
 * (`/hpc-ha/<region>/<cluster>/`; IAM is global, so the region keeps two regions' same-named deployments apart).
 * ParallelCluster then creates the cluster's Lambda roles under it and the node roles and instance profiles under
 * `<path><cluster>/`, which is what the operator policy allows, and nothing else. ParallelCluster cannot change the
 * prefix of an existing cluster; CloudFormation-managed clusters keep ParallelCluster's default (its provider's role
 * creates their roles).
 */
export function clusterIamResourcePrefix(config: Pick<DeploymentConfig, 'region' | 'clusters'>, clusterName: string): string | undefined {
  if (config.clusters.provisioner !== 'instance' || isLegacyParallelCluster(config)) return undefined;
  return `/hpc-ha/${config.region}/${clusterName}/`;
}

/** The pcluster-config input for one of the two clusters. */
export function clusterSpec(config: DeploymentConfig, plan: ClusterPlan, values: ClusterValues): ClusterSpec {
  const i = plan.azIndex;
  const subnetId = values.privateSubnetIds[i];
  const legacy = isLegacyParallelCluster(config);
  const policies = values.clusterNodePolicyArn !== undefined ? [values.clusterNodePolicyArn] : [];
  return {
    region: config.region,
    partition: config.partition,
    clusterName: plan.name,
    os: config.clusters.os as ClusterSpec['os'],
    parallelclusterVersion: config.clusters.parallelclusterVersion,
    vpcId: values.vpcId,
    headNode: {
      instanceType: config.clusters.headNode.instanceType,
      subnetId,
      rootVolumeSizeGiB: config.clusters.headNode.rootVolumeGiB,
      ...(config.portal.keyName !== undefined ? { keyName: config.portal.keyName } : {}),
      additionalSecurityGroupIds: [values.clusterSecurityGroupId, ...(values.accounting && accountingEnabled(config) ? [values.accounting.headNodeSecurityGroupId] : [])],
      additionalIamPolicyArns: policies,
    },
    queues: plan.queues.map((q) => ({
      name: q.name,
      capacityType: q.capacityType,
      subnetIds: [subnetId],
      computeResources: q.computeResources.map((r) => ({
        name: r.name,
        instanceType: r.instanceType,
        minCount: r.minCount,
        maxCount: r.maxCount,
        ...(r.disableSimultaneousMultithreading !== undefined ? { disableSimultaneousMultithreading: r.disableSimultaneousMultithreading } : {}),
        ...(r.efa !== undefined ? { efa: r.efa } : {}),
      })),
    })),
    compute: { additionalSecurityGroupIds: [values.clusterSecurityGroupId], additionalIamPolicyArns: policies },
    sharedStorage: {
      efs: { fileSystemId: values.efsFileSystemId, mountDir: EFS_MOUNT_DIR },
      fsxLustre: { fileSystemId: values.fsx[i].fileSystemId, mountDir: plan.fsxMountDir },
    },
    mungeKeySecretArn: values.mungeKeySecretArn,
    // 2.x runs one post_install script on every node (renderLegacyIni passes it the munge key secret ARN).
    customActions: legacy
      ? { postInstall: { scriptUri: values.headNodeScriptUris[i], args: [] } }
      : {
          headNode: { scriptUri: values.headNodeScriptUris[i], args: [] },
          computeNode: { scriptUri: values.computeNodeScriptUris[i], args: [] },
        },
    tags: { ...config.tags },
    publishRoot: PUBLISH_ROOT,
    headNodeSsh: {
      allowedIps: config.clusters.headNode.sshAllowedCidr ?? config.network.vpcCidr,
      passwordAuthentication: config.clusters.headNode.passwordSsh,
    },
    ...optional('iamResourcePrefix', clusterIamResourcePrefix(config, plan.name)),
    ...directoryService(config, values),
    ...slurmAccounting(config, plan, values),
    ...(legacy ? {} : { queueUpdateStrategy: QUEUE_UPDATE_STRATEGY, srunPortRange: `${SRUN_PORT_RANGE.from}-${SRUN_PORT_RANGE.to}` }),
    ...desktopPackages(config, plan.id),
  };
}

/** Open OnDemand's Desktop app on this cluster: its compute nodes install the VNC server, websockify and desktop. */
function desktopPackages(config: DeploymentConfig, id: ClusterId): Pick<ClusterSpec, 'desktop'> {
  const desktop = ondemandDesktop(config);
  if (!desktop || config.portal.kind !== 'openondemand' || !config.portal.openondemand.clusters.includes(id)) return {};
  const bundle = desktop.bundle ? { bundle: { uri: desktop.bundle.uri, sha256: desktop.bundle.sha256.toLowerCase() } } : {};
  return { desktop: { session: desktop.session, ...bundle } };
}

/** The head node's custom actions through the runner (see ClusterValues.customActionRunnerUri). */
function throughRunner(spec: ClusterSpec, config: DeploymentConfig, values: ClusterValues, i: 0 | 1, headNodeScript: string): ClusterSpec {
  const runner = values.customActionRunnerUri;
  const parameter = values.headNodeScriptParameters?.[i];
  if (runner === undefined || parameter === undefined) return spec;
  return {
    ...spec,
    customActions: {
      ...spec.customActions,
      headNode: { scriptUri: runner, args: [config.region, parameter] },
      headNodeUpdated: { scriptUri: runner, args: [config.region, parameter, scriptRevision(headNodeScript)] },
    },
  };
}

/** SlurmSettings.Database: this cluster's slurmdbd writes to its own database in the deployment's Aurora. */
function slurmAccounting(config: DeploymentConfig, plan: ClusterPlan, values: ClusterValues): Pick<ClusterSpec, 'slurmAccounting'> {
  if (!accountingEnabled(config)) return {};
  const a = values.accounting;
  if (!a) throw new Error('internal: accounting is enabled but the cluster values have no accounting database');
  const own = accountingDatabases(config)[plan.azIndex];
  return {
    slurmAccounting: {
      uri: `${a.databaseHost}:${AURORA_PORT}`,
      userName: own.userName,
      passwordSecretArn: a.passwordSecretArns[plan.azIndex],
      // Known from the config; the Uri and secret references already make the cluster wait for the database stack.
      databaseName: own.databaseName,
    },
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function directoryService(config: DeploymentConfig, values: ClusterValues): Pick<ClusterSpec, 'directoryService'> {
  const directory = clusterDirectoryService(config, values);
  return directory ? { directoryService: directory } : {};
}

export interface ClusterArtifacts {
  readonly plan: ClusterPlan;
  readonly spec: ClusterSpec;
  /** The v3 config object (`Custom::PclusterCluster`'s ClusterConfiguration); undefined for 2.x. */
  readonly config?: object;
  /** The config as the `pcluster` CLI reads it: v3 YAML or 2.x INI. */
  readonly configText: string;
  readonly configFileName: string;
  readonly headNodeScript?: string;
  readonly computeNodeScript?: string;
  /** ParallelCluster 2.x: the post_install script every node of the cluster runs; undefined for 3.x. */
  readonly postInstallScript?: string;
}

export function clusterArtifacts(config: DeploymentConfig, values: ClusterValues): [ClusterArtifacts, ClusterArtifacts] {
  const legacy = isLegacyParallelCluster(config);
  const build = (plan: ClusterPlan): ClusterArtifacts => {
    const spec = clusterSpec(config, plan, values);
    if (legacy) {
      return { plan, spec, configText: renderLegacyIni(spec), configFileName: `${plan.id}.ini`, postInstallScript: renderLegacyPostInstallScript(spec) };
    }
    const headNodeScript = renderHeadNodeScript(spec);
    const final = throughRunner(spec, config, values, plan.azIndex, headNodeScript);
    const rendered = renderClusterConfig(final);
    return {
      plan,
      spec: final,
      config: rendered.config,
      configText: rendered.yaml,
      configFileName: `${plan.id}.yaml`,
      headNodeScript,
      computeNodeScript: renderComputeNodeScript(spec),
    };
  };
  const [plan1, plan2] = clusterPlans(config);
  return [build(plan1), build(plan2)];
}
