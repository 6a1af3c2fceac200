/** update-check's report for people (per stack, then the refusals with what to do) and for CI (--json). */
import { printClusterUpdates } from '../cluster-updates/report.js';
import type { Ui } from '../ui.js';
import type { ResourceAction, UpdateReport } from './model.js';

const VERB: Record<ResourceAction, string> = { add: 'add', update: 'update', replace: 'REPLACE', 'may-replace': 'may replace', delete: 'DELETE' };

/** `stderr`: inside diff/deploy, where stdout is kept for their own results. */
export function printReport(ui: Ui, report: UpdateReport, results: 'stdout' | 'stderr' = 'stdout'): void {
  const out = (line: string) => (results === 'stdout' ? ui.out(line) : ui.info(line));
  ui.info(`update from ${report.from} to ${report.to}`);
  for (const s of report.stacks) {
    if (s.status === 'unchanged') {
      out(`${s.stackName}: no change`);
      continue;
    }
    out(`${s.stackName}: ${s.status === 'new' ? 'new stack, created' : s.status === 'removed' ? ui.style.bad('stack removed from the app (not deleted by deploy; destroy deletes it)') : 'updated'}`);
    for (const c of s.changes) {
      const verb = c.action === 'replace' || c.action === 'delete' ? (c.stateful ? ui.style.bad(VERB[c.action]) : ui.style.warn(VERB[c.action])) : VERB[c.action];
      out(`  ${verb} ${c.logicalId} (${c.type}${c.stateful ? ', holds data' : ''}): ${c.why}`);
    }
    if (s.clusters.length) printClusterUpdates(ui, s.clusters, s.stackName);
  }
  for (const a of report.accepted) ui.warn(`accepted (${a.acceptedBy === 'changelog' ? 'listed in CHANGELOG.md' : '--force-replace'}): ${a.reason}`);
  for (const r of report.refusals) {
    ui.error(`${ui.style.bad('refused')}: ${r.reason}`);
    ui.error(`  what to do: ${r.fix}`);
  }
  if (!report.refusals.length) ui.info(ui.style.ok('update-check: nothing refused'));
}

export function reportJson(report: UpdateReport): string {
  return JSON.stringify(
    {
      from: report.from,
      to: report.to,
      ok: report.refusals.length === 0,
      stacks: report.stacks.map((s) => ({
        ...s,
        clusters: s.clusters.map((c) => (c.kind === 'update' ? { name: c.name, kind: c.kind, changes: c.plan.changes.filter((x) => x.outcome !== 'ignored'), blocked: c.plan.blocked.map((b) => b.path) } : c)),
      })),
      refusals: report.refusals,
      accepted: report.accepted,
    },
    null,
    2,
  );
}
