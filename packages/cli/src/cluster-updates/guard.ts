/** The cluster-update step of `hpc-ha diff` and `hpc-ha deploy`: plan from the templates, print, refuse. */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { stackName, type DeploymentConfig } from '@hpc-ha/infra/config';
import type { Ui } from '../ui.js';
import { planClusterUpdates, printClusterUpdates, refuseBlockedUpdates, type ClusterUpdate } from './report.js';
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
  config: Pick<DeploymentConfig, 'name' | 'region'>,
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
  printClusterUpdates(ui, updates, name);
  if (opts.refuse) refuseBlockedUpdates(ui, updates);
  return updates;
}
