import { Duration } from 'aws-cdk-lib';
import type { DeploymentConfig } from '../config/index.js';

/** How long a portal node may take to signal: on its first boot (creation) and as a rolling replacement. */
export interface PortalSignalTimeouts {
  readonly creationTimeout: Duration;
  readonly replacementTimeout: Duration;
}

/**
 * The signal timeouts of a deployment's portal nodes, from the bounded waits their boot may spend. A node no longer
 * waits for its cluster to publish (it joins it through the re-sync timer), so a boot is packages, mounts, the
 * portal's own install and its health probe. With `provisioner: instance` a first boot also runs the pcluster CLI
 * and creates its cluster (ParallelCluster allows its head node 30 minutes to bootstrap, plus its stack); a
 * replacement finds the cluster there and adopts it, so replacements fit in CloudFormation's one-hour pause.
 */
export function portalSignalTimeouts(config: Pick<DeploymentConfig, 'clusters' | 'portal'>): PortalSignalTimeouts {
  const boot = Duration.minutes(60);
  const createsCluster = config.portal.kind === 'enginframe' && config.clusters.provisioner === 'instance';
  return { creationTimeout: createsCluster ? Duration.minutes(150) : boot, replacementTimeout: boot };
}
