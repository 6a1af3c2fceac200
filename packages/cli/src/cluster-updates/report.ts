/**
 * What an update will do to each cluster, as ParallelCluster's update policies decide it (planClusterUpdate of
 * @hpc-ha/pcluster-config), printed per cluster; and the refusal, before anything is deployed, of a change
 * ParallelCluster would refuse.
 */
import { planClusterUpdate, type PlannedChange, type PlanOptions, type UpdatePlan } from '@hpc-ha/pcluster-config';
import { usageError } from '../exit.js';
import type { Ui } from '../ui.js';
import type { DeployedClusters, TemplateCluster } from './templates.js';

/** Where a change comes from in the user's files, and which cluster and Region the fleet commands need. */
export interface UpdateContext {
  readonly region: string;
  /** `hpc-ha.yaml:38 clusters.queues[0]…` for a ParallelCluster key of a cluster, when the config file is known. */
  readonly origin?: (cluster: string, pclusterPath: string) => string | undefined;
}

/** ParallelCluster's fleet commands need the cluster and its Region: the generic hint gets both. */
function withClusterArgs(reason: string, cluster: string, ctx: UpdateContext | undefined): string {
  return ctx ? reason.replace(/pcluster update-compute-fleet (?!-n)/g, `pcluster update-compute-fleet -n ${cluster} --region ${ctx.region} `) : reason;
}

export type ClusterUpdate =
  | { readonly name: string; readonly kind: 'new' }
  | { readonly name: string; readonly kind: 'removed' }
  | { readonly name: string; readonly kind: 'update'; readonly plan: UpdatePlan };

/** Pairs the synthesized clusters with the deployed ones by cluster name, and plans each update. */
export function planClusterUpdates(synthesized: readonly TemplateCluster[], deployed: DeployedClusters, opts: PlanOptions = {}): ClusterUpdate[] {
  const old = deployed.status === 'deployed' ? deployed.clusters : [];
  const out: ClusterUpdate[] = synthesized.map((c) => {
    const before = old.find((o) => o.name === c.name);
    return before ? { name: c.name, kind: 'update', plan: planClusterUpdate(before.config, c.config, opts) } : { name: c.name, kind: 'new' };
  });
  for (const o of old) if (!synthesized.some((c) => c.name === o.name)) out.push({ name: o.name, kind: 'removed' });
  return out;
}

const show = (v: unknown): string => {
  if (v === undefined) return '-';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const OUTCOME_LABEL: Record<PlannedChange['outcome'], string> = {
  live: 'live',
  ignored: 'ignored',
  'needs-compute-stop': 'REFUSED while the compute fleet runs',
  'needs-login-stop': 'REFUSED while login nodes run',
  'needs-compute-and-login-stop': 'REFUSED while compute or login nodes run',
  refused: 'REFUSED (only a new cluster takes it)',
  unclassified: 'policy unknown',
};

/** One block per cluster: `cluster <name>: …`, then one line per changed key with its policy and outcome. */
export function printClusterUpdates(ui: Ui, updates: readonly ClusterUpdate[], stackName: string, ctx?: UpdateContext): void {
  for (const u of updates) {
    if (u.kind === 'new') {
      ui.info(`cluster ${u.name}: new cluster (no deployed ${stackName} has it), created from scratch`);
      continue;
    }
    if (u.kind === 'removed') {
      ui.info(`cluster ${u.name}: ${ui.style.warn('deleted')} with its head node, compute fleet and ParallelCluster-managed storage`);
      continue;
    }
    const shown = u.plan.changes.filter((c) => c.outcome !== 'ignored');
    if (!shown.length) {
      ui.info(`cluster ${u.name}: no configuration change`);
      continue;
    }
    const verdict = u.plan.blocked.length
      ? ui.style.bad(`ParallelCluster would refuse this update (${u.plan.blocked.length} of ${shown.length} changes)`)
      : ui.style.ok('update-cluster applies it');
    ui.info(`cluster ${u.name}: ${shown.length} changed key${shown.length === 1 ? '' : 's'}, ${verdict}`);
    for (const c of shown) {
      const label = c.blocked ? ui.style.bad(OUTCOME_LABEL[c.outcome]) : c.outcome === 'unclassified' ? ui.style.warn(OUTCOME_LABEL[c.outcome]) : OUTCOME_LABEL[c.outcome];
      ui.info(`  ${c.path}: ${show(c.oldValue)} → ${show(c.newValue)}  [${c.policy}] ${label}`);
      const origin = ctx?.origin?.(u.name, c.path);
      if (origin) ui.info(`    ${origin}`);
      if (c.outcome !== 'live') ui.info(`    ${ui.style.dim(withClusterArgs(c.reason, u.name, ctx))}`);
    }
  }
}

/** Exit 2, naming every key, when any cluster update would be refused; nothing has been deployed at this point. */
export function refuseBlockedUpdates(ui: Ui, updates: readonly ClusterUpdate[], ctx?: UpdateContext): void {
  const blocked = updates.flatMap((u) => (u.kind === 'update' ? u.plan.blocked.map((c) => ({ cluster: u.name, c })) : []));
  if (!blocked.length) return;
  for (const { cluster, c } of blocked) {
    ui.error(`${cluster}: ${c.path} [${c.policy}]: ${withClusterArgs(c.reason, cluster, ctx)}`);
    const origin = ctx?.origin?.(cluster, c.path);
    if (origin) ui.error(`  ${origin}`);
  }
  const stopHint = blocked.some(({ c }) => c.outcome !== 'refused');
  throw usageError(
    `deploy refused: ParallelCluster would refuse ${blocked.length} change${blocked.length === 1 ? '' : 's'} to ${[...new Set(blocked.map((b) => b.cluster))].join(', ')}; nothing was deployed`,
    stopHint
      ? 'revert those keys, or stop the compute fleets as said above and re-run with --fleet-stopped'
      : 'revert those keys, or create a new cluster for them',
  );
}
