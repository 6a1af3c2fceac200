/** What update-check reports: per stack, what CloudFormation and ParallelCluster will do; and what it refuses. */
import type { ClusterUpdate } from '../cluster-updates/report.js';

export type ResourceAction = 'add' | 'update' | 'replace' | 'may-replace' | 'delete';

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  /** Construct path, when the template has CDK metadata. */
  readonly path?: string;
  readonly action: ResourceAction;
  readonly stateful: boolean;
  /** Why: the changed properties, the create-only ones for a replacement. */
  readonly why: string;
}

export interface StackReport {
  /** Construct id (`EFS`). */
  readonly id: string;
  readonly stackName: string;
  readonly status: 'new' | 'removed' | 'changed' | 'unchanged';
  readonly changes: readonly ResourceChange[];
  readonly clusters: readonly ClusterUpdate[];
}

export type RefusalKind =
  | 'stateful-replaced'
  | 'stateful-deleted'
  | 'stateful-moved'
  | 'stateful-renamed'
  | 'refused-in-place'
  | 'export-in-use'
  | 'cluster-refused'
  | 'cluster-needs-stop'
  | 'cluster-deleted'
  | 'shared-secret';

/** Refusals a user may accept with --force-replace: losing or renewing a resource. The others AWS itself refuses. */
export const FORCEABLE: readonly RefusalKind[] = ['stateful-replaced', 'stateful-deleted', 'stateful-moved', 'stateful-renamed', 'cluster-deleted', 'shared-secret'];

export interface Refusal {
  readonly kind: RefusalKind;
  /** Construct id of the stack concerned (the exporting stack for an export). */
  readonly stack: string;
  /** What is refused: `FileSystem8A8E25C0`, `export hpcha-VPC:…`, `cluster1: HeadNode.InstanceType`. */
  readonly target: string;
  /** Names that --force-replace or a CHANGELOG entry may use for it (logical id, Stack/LogicalId, construct path). */
  readonly keys: readonly string[];
  readonly reason: string;
  /** What to do about it. */
  readonly fix: string;
}

export interface AcceptedRefusal extends Refusal {
  readonly acceptedBy: 'force-replace' | 'changelog';
}

export interface UpdateReport {
  readonly from: string;
  readonly to: string;
  readonly stacks: readonly StackReport[];
  /** Refusals nothing accepted: exit 2 when any. */
  readonly refusals: readonly Refusal[];
  readonly accepted: readonly AcceptedRefusal[];
}

export interface CompareOptions {
  /** The compute fleets are stopped: cluster changes that need it pass (as for deploy --fleet-stopped). */
  readonly fleetStopped?: boolean;
  readonly loginNodesStopped?: boolean;
}
