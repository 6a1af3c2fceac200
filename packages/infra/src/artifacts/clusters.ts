import {
  renderClusterConfig,
  renderComputeNodeScript,
  renderHeadNodeScript,
  renderLegacyIni,
  renderLegacyPostInstallScript,
  type ClusterSpec,
} from '@hpc-ha/pcluster-config';
import { clusterPlans, type ClusterPlan, type DeploymentConfig } from '../config/index.js';
import { clusterDirectoryService } from './directory.js';
import type { ClusterValues } from './values.js';

/** Where every node mounts the shared EFS, and the directory under it the head nodes publish to (CONTRACTS.md). */
export const EFS_MOUNT_DIR = '/efs';
export const PUBLISH_ROOT = 'hpc-ha';

export function isLegacyParallelCluster(config: Pick<DeploymentConfig, 'clusters'>): boolean {
  return config.clusters.parallelclusterVersion.startsWith('2.');
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
      additionalSecurityGroupIds: [values.clusterSecurityGroupId],
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
    ...directoryService(config, values),
  };
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
    const rendered = renderClusterConfig(spec);
    return {
      plan,
      spec,
      config: rendered.config,
      configText: rendered.yaml,
      configFileName: `${plan.id}.yaml`,
      headNodeScript: renderHeadNodeScript(spec),
      computeNodeScript: renderComputeNodeScript(spec),
    };
  };
  const [plan1, plan2] = clusterPlans(config);
  return [build(plan1), build(plan2)];
}
