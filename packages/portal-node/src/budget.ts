import { NODE_DEFAULT_TIMEOUTS } from './defaults.js';

/** Which portal a node serves. */
export type PortalKind = 'enginframe' | 'openondemand';

/** Who creates the clusters: CloudFormation (the node never waits for them) or the portal node itself (pcluster CLI). */
export type ClusterProvisioner = 'cloudformation' | 'instance';

export interface PortalBootBudgetInput {
  readonly portalKind: PortalKind;
  readonly provisioner: ClusterProvisioner;
  /** The waits the spec overrides, in seconds (defaults: the renderers' own). */
  readonly timeouts?: {
    readonly serviceSeconds?: number;
    readonly databaseSeconds?: number;
    readonly clusterPublicationSeconds?: number;
    readonly pclusterSeconds?: number;
  };
}

/** EnginFrame's own bounded waits' defaults, in seconds (enginframe-config renders the same). */
export const ENGINFRAME_DEFAULT_TIMEOUTS = { databaseSeconds: 900, installMarkerSeconds: 3600, pclusterSeconds: 3600 } as const;

const minutes = (seconds: number): number => Math.ceil(seconds / 60);

/**
 * The longest a portal node's first boot may take before it signals, in minutes: the sum of every bounded wait on its
 * path plus a margin, for the CloudFormation signal timeout of its Auto Scaling group. Terms:
 * - packages: 15 min of dnf (Amazon Linux 2023 repositories; Open OnDemand adds 15 for its own repository or bundle);
 * - storage, metadata firewall, instance discovery: 5 min (EFS and this AZ's FSx; another AZ's FSx is an automount
 *   and never waited for);
 * - directory (sssd packages and start): 5 min;
 * - munge (package or the head node's build, key): 3 min; the Slurm client copy from this AZ's head node: 3 min;
 * - EnginFrame only: the database wait (`databaseSeconds`, 15 min) and the one-time install (20 min). Node 2's wait
 *   for node 1's install marker is not a term: node 2 is replaced only after node 1 has signalled, so the marker is
 *   there;
 * - `provisioner: instance` only (EnginFrame): the pcluster CLI install (10 min), the cluster's creation
 *   (`pclusterSeconds`, 60 min) and its publication (5 min: a cluster is complete only after its head node published);
 * - the health probe before the signal (`serviceSeconds`, 15 min);
 * - a margin of 10 min.
 * With `provisioner: cloudformation` there is no cluster term at all: the portal signals once it serves and clusters
 * join through the re-sync timer when they publish.
 */
export function portalBootBudgetMinutes(input: PortalBootBudgetInput): number {
  const t = input.timeouts ?? {};
  const ef = input.portalKind === 'enginframe';
  let total = 15 + 5 + 5 + 3 + 3 + minutes(t.serviceSeconds ?? NODE_DEFAULT_TIMEOUTS.serviceSeconds) + 10;
  if (!ef) total += 15;
  if (ef) total += minutes(t.databaseSeconds ?? ENGINFRAME_DEFAULT_TIMEOUTS.databaseSeconds) + 20;
  if (input.provisioner === 'instance') {
    if (!ef) throw new Error('provisioner: instance applies only to the EnginFrame portal');
    total += 10 + minutes(t.pclusterSeconds ?? ENGINFRAME_DEFAULT_TIMEOUTS.pclusterSeconds) + 5;
  }
  return total;
}
