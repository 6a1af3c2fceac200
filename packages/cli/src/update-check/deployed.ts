/**
 * The update check of `hpc-ha diff` and `hpc-ha deploy`: the synthesized templates against those CloudFormation
 * holds for the deployed stacks (GetTemplate). Cluster plans are left to the cluster-update step that runs first.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { deployedTemplate } from '../cluster-updates/templates.js';
import { usageError } from '../exit.js';
import type { Ui } from '../ui.js';
import type { Assembly, StackTemplate, Template } from './assembly.js';
import { checkUpdate } from './check.js';
import type { UpdateReport } from './model.js';
import { printReport } from './render.js';

export interface DeployedCheckFlags {
  forceReplace?: string[];
  fleetStopped?: boolean;
}

/** A synthesized stack as the toolkit's assembly holds it. */
export interface SynthesizedStackTemplate {
  readonly hierarchicalId: string;
  readonly stackName: string;
  readonly template: unknown;
}

/**
 * Compares every synthesized stack with its deployed template and prints what the update does to the `selected`
 * stacks. With `refuse` (deploy), throws exit 2 when it would lose a stateful resource, break an import or renew
 * the munge key on one side, unless --force-replace names each resource lost. No deployed stack: nothing to check.
 */
export async function checkDeployedUpdate(
  config: { readonly name: string; readonly region: string },
  all: readonly SynthesizedStackTemplate[],
  selected: readonly SynthesizedStackTemplate[],
  ui: Ui,
  opts: DeployedCheckFlags & { refuse: boolean; client?: CloudFormationClient },
): Promise<UpdateReport | undefined> {
  const to: StackTemplate[] = all.map((s) => ({ id: s.hierarchicalId, stackName: s.stackName, template: s.template as Template }));
  const from: StackTemplate[] = [];
  for (const s of to) {
    const d = await deployedTemplate(s.stackName, config.region, opts.client, 'to check the update');
    if (d.status === 'deployed') from.push({ ...s, template: d.template as Template });
  }
  if (!from.length) return undefined;
  const source: Assembly = { source: `the deployed stacks of ${config.name}`, stacks: from };
  const report = await checkUpdate(source, { source: 'the synthesized templates', stacks: to }, {
    ...(opts.forceReplace?.length ? { forceReplace: opts.forceReplace } : {}),
    ...(opts.fleetStopped ? { fleetStopped: true } : {}),
  });
  const ids = new Set(selected.map((s) => s.hierarchicalId));
  // The cluster-update step already printed and refused cluster changes; a deleted cluster is this check's.
  const scoped: UpdateReport = {
    ...report,
    stacks: report.stacks.filter((s) => ids.has(s.id) && s.status !== 'new').map((s) => ({ ...s, clusters: [] })),
    refusals: report.refusals.filter((r) => ids.has(r.stack) && r.kind !== 'cluster-refused' && r.kind !== 'cluster-needs-stop'),
    accepted: report.accepted.filter((r) => ids.has(r.stack)),
  };
  printReport(ui, scoped, 'stderr');
  if (opts.refuse && scoped.refusals.length) {
    throw usageError(
      `deploy refused: ${scoped.refusals.length} change${scoped.refusals.length === 1 ? '' : 's'} would lose data or fail (see above); nothing was deployed`,
      scoped.refusals.every((r) => r.fix.includes('--force-replace'))
        ? `to accept each loss: --force-replace ${scoped.refusals.map((r) => r.target).join(' ')}`
        : 'do what each refusal says, then deploy again',
    );
  }
  return scoped;
}
