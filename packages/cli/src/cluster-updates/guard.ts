/** The cluster-update step of `hpc-ha diff` and `hpc-ha deploy`: plan from the templates, print, refuse. */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { stackName, type DeploymentConfig } from '@hpc-ha/infra/config';
import type { Ui } from '../ui.js';
import { ConfigSource, describeConfigKey } from './config-keys.js';
import { planClusterUpdates, printClusterUpdates, refuseBlockedUpdates, type ClusterUpdate, type UpdateContext } from './report.js';
import { clustersInTemplate, deployedClusters } from './templates.js';

export interface ClusterUpdateFlags {
  /** The user stopped the compute fleets (pcluster update-compute-fleet) before this update. */
  fleetStopped?: boolean;
  loginNodesStopped?: boolean;
}

/** The synthesized stacks the step needs: their construct id and template. */
export interface SynthesizedStack {
  readonly hierarchicalId: string;
  readonly template: unknown;
}

/**
 * Plans and prints the update of every cluster in the synthesized Clusters stack. With `refuse` (deploy), throws
 * exit 2 when ParallelCluster would refuse one. Without a Clusters stack (provisioner: instance, or --stacks
 * leaving it out) there is nothing to plan.
 */
export async function checkClusterUpdates(
  config: Pick<DeploymentConfig, 'name' | 'region'> & { readonly sourceFile?: string },
  stacks: readonly SynthesizedStack[],
  ui: Ui,
  opts: ClusterUpdateFlags & { refuse: boolean; client?: CloudFormationClient },
): Promise<ClusterUpdate[]> {
  const clustersStack = stacks.find((s) => s.hierarchicalId === 'Clusters');
  const synthesized = clustersStack ? clustersInTemplate(clustersStack.template) : [];
  if (!synthesized.length) return [];
  const name = stackName(config.name, 'Clusters');
  const deployed = await deployedClusters(name, config.region, opts.client);
  if (deployed.status === 'no-stack') ui.info(`${deployed.why}: every cluster is new`);
  const updates = planClusterUpdates(synthesized, deployed, {
    ...(opts.fleetStopped ? { computeFleetStopped: true } : {}),
    ...(opts.loginNodesStopped ? { loginNodesStopped: true } : {}),
  });
  const ctx = updateContext(config);
  printClusterUpdates(ui, updates, name, ctx);
  if (opts.refuse) refuseBlockedUpdates(ui, updates, ctx);
  return updates;
}

/** The Region for the fleet commands and, when the config file can be read, the hpc-ha.yaml key of each change. */
function updateContext(config: Pick<DeploymentConfig, 'name' | 'region'> & { readonly sourceFile?: string }): UpdateContext {
  let source: ConfigSource | undefined;
  try {
    source = config.sourceFile ? new ConfigSource(config.sourceFile) : undefined;
  } catch {
    source = undefined;
  }
  if (!source) return { region: config.region };
  const src = source;
  return {
    region: config.region,
    origin: (cluster, path) => {
      const id = src.clusterId(config.name, cluster);
      return id ? describeConfigKey(src.file, src.keyOf(id, path)) : undefined;
    },
  };
}
