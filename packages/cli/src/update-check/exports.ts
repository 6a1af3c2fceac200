/**
 * CloudFormation refuses to update a stack that removes or changes an export another stack imports ("Cannot
 * delete export … as it is in use by …"): the importers are read from the deployed side, where they import it now.
 */
import { deepEqual, isRec, type Assembly, type StackTemplate } from './assembly.js';
import type { Refusal } from './model.js';

interface Export {
  readonly name: string;
  readonly stack: StackTemplate;
  readonly value: unknown;
}

function exportsOf(a: Assembly): Export[] {
  return a.stacks.flatMap((stack) =>
    Object.values(stack.template.Outputs ?? {}).flatMap((o) => (isRec(o) && isRec(o.Export) && typeof o.Export.Name === 'string' ? [{ name: o.Export.Name, stack, value: o.Value }] : [])),
  );
}

/** Every export name a value imports with Fn::ImportValue, at any depth. */
export function importsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) importsIn(v, out);
  else if (isRec(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Fn::ImportValue' && typeof v === 'string') out.add(v);
      else importsIn(v, out);
    }
  }
  return out;
}

export function exportRefusals(from: Assembly, to: Assembly): Refusal[] {
  const after = exportsOf(to);
  const importers = new Map<string, string[]>();
  for (const s of from.stacks) for (const name of importsIn(s.template)) importers.set(name, [...(importers.get(name) ?? []), s.stackName]);
  const out: Refusal[] = [];
  for (const e of exportsOf(from)) {
    const users = (importers.get(e.name) ?? []).filter((u) => u !== e.stack.stackName);
    if (!users.length) continue;
    const now = after.find((x) => x.name === e.name);
    if (now && deepEqual(now.value, e.value)) continue;
    const what = now ? 'changes its value' : 'is removed';
    out.push({
      kind: 'export-in-use',
      stack: e.stack.id,
      target: `export ${e.name}`,
      keys: [e.name, `export:${e.name}`],
      reason: `${e.stack.stackName} export ${e.name} ${what} while ${users.join(', ')} import${users.length === 1 ? 's' : ''} it: CloudFormation refuses the update of ${e.stack.stackName}`,
      fix: `deploy in two steps: first keep the export (aws-cdk-lib Stack.exportValue) while ${users.join(', ')} stop importing it, then remove it`,
    });
  }
  return out;
}
