/** update-check's decision: compare, then set aside what --force-replace or the CHANGELOG accepts. */
import { usageError } from '../exit.js';
import type { Assembly } from './assembly.js';
import type { BreakingChange } from './changelog.js';
import { compareAssemblies } from './compare.js';
import { FORCEABLE, type AcceptedRefusal, type CompareOptions, type Refusal, type UpdateReport } from './model.js';
import { loadResourceSpec } from './spec.js';

export interface CheckOptions extends CompareOptions {
  /** Names from --force-replace: each resource whose loss the user accepts. */
  readonly forceReplace?: readonly string[];
  /** Breaking changes CHANGELOG.md lists since the last release. */
  readonly breaking?: readonly BreakingChange[];
}

export async function checkUpdate(from: Assembly, to: Assembly, opts: CheckOptions = {}): Promise<UpdateReport> {
  const spec = await loadResourceSpec();
  const { stacks, refusals } = compareAssemblies(from, to, spec, opts);
  const forced = new Set(opts.forceReplace ?? []);
  const listed = new Set((opts.breaking ?? []).map((b) => b.key));
  const used = new Set<string>();
  const left: Refusal[] = [];
  const accepted: AcceptedRefusal[] = [];
  for (const r of refusals) {
    const byForce = FORCEABLE.includes(r.kind) ? r.keys.find((k) => forced.has(k)) : undefined;
    const byLog = r.keys.find((k) => listed.has(k));
    if (byForce !== undefined) used.add(byForce);
    if (byForce !== undefined) accepted.push({ ...r, acceptedBy: 'force-replace' });
    else if (byLog !== undefined) accepted.push({ ...r, acceptedBy: 'changelog' });
    else left.push(r);
  }
  // A name that matches nothing is a typo or a stale flag: accepting it silently could hide the next real loss.
  const unused = [...forced].filter((f) => !used.has(f));
  if (unused.length) {
    const notForceable = refusals.filter((r) => !FORCEABLE.includes(r.kind) && r.keys.some((k) => unused.includes(k)));
    throw usageError(
      `--force-replace ${unused.join(' ')}: ${notForceable.length ? 'names a refusal no flag can override (AWS itself refuses it)' : 'matches no resource this update replaces or deletes'}`,
      'name each refused resource by the logical ID, Stack/LogicalId or construct path update-check printed',
    );
  }
  return { from: from.source, to: to.source, stacks, refusals: left, accepted };
}
