/**
 * The munge key both clusters and the portal nodes must hold. The Custom::MungeKey resource writes it once into its
 * secret; a new Custom::MungeKey (moved, renamed), a different secret, or a new rotation token writes a new key. The
 * side that reads it next (a replaced portal node, a new compute node) gets the new key while running nodes keep the
 * old one, and every job submission between the two fails.
 */
import { isRec, resourceKeys, resources, type Assembly, type StackTemplate } from './assembly.js';
import { importsIn } from './exports.js';
import type { CompareOptions, Refusal } from './model.js';

export const SHARED_SECRET_WRITER_TYPE = 'Custom::MungeKey';

interface Writer {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly props: Record<string, unknown>;
}

function writers(a: Assembly): Writer[] {
  return a.stacks.flatMap((stack) =>
    resources(stack)
      .filter(([, r]) => r.Type === SHARED_SECRET_WRITER_TYPE)
      .map(([logicalId, r]) => {
        const { ServiceToken: _token, ...props } = isRec(r.Properties) ? r.Properties : {};
        return { stack, logicalId, props };
      }),
  );
}

/** Stacks that read the key: those importing an export of the writer's stack that names the writer or its secret. */
function readers(a: Assembly, w: Writer): string[] {
  const secretRef = JSON.stringify(w.props['SecretArn'] ?? null);
  const names = Object.values(w.stack.template.Outputs ?? {})
    .filter((o) => isRec(o) && isRec(o.Export) && (JSON.stringify(o.Value).includes(`"${w.logicalId}"`) || JSON.stringify(o.Value) === secretRef || secretRef.includes(JSON.stringify(o.Value))))
    .map((o) => String(o.Export?.Name));
  return a.stacks.filter((s) => s !== w.stack && names.some((n) => importsIn(s.template).has(n))).map((s) => s.stackName);
}

export function sharedSecretRefusals(from: Assembly, to: Assembly, opts: CompareOptions): Refusal[] {
  const out: Refusal[] = [];
  const after = writers(to);
  for (const w of writers(from)) {
    const same = after.find((n) => n.stack.id === w.stack.id && n.logicalId === w.logicalId);
    const sides = readers(from, w);
    const running = sides.length ? `${sides.join(', ')} (and their running nodes) keep the old key` : 'running nodes keep the old key';
    const keys = resourceKeys(w.stack, w.logicalId, w.stack.template.Resources![w.logicalId]!);
    if (!same) {
      const elsewhere = after[0];
      out.push({
        kind: 'shared-secret', stack: w.stack.id, target: w.logicalId, keys,
        reason: `the munge key would get a new value: ${w.stack.id}/${w.logicalId} ${elsewhere ? `is replaced by ${elsewhere.stack.id}/${elsewhere.logicalId}, which writes a new key` : 'is removed'}, while ${running}; Slurm rejects every job between portal and clusters until all hold the same key`,
        fix: `keep the munge key where it is (same stack and construct id); or accept a new key with --force-replace ${w.logicalId}, after stopping both compute fleets and before replacing the portal nodes`,
      });
      continue;
    }
    const secretChanged = JSON.stringify(w.props['SecretArn']) !== JSON.stringify(same.props['SecretArn']);
    const rotated = JSON.stringify(w.props['RotationToken']) !== JSON.stringify(same.props['RotationToken']);
    if (secretChanged || (rotated && !opts.fleetStopped)) {
      out.push({
        kind: 'shared-secret', stack: w.stack.id, target: w.logicalId, keys,
        reason: `the munge key would get a new value (${secretChanged ? 'it is written into a different secret' : 'its rotation token changes'}) while ${running}; Slurm rejects every job between portal and clusters until all hold the same key`,
        fix: secretChanged
          ? `keep the munge key's secret; or accept a new key with --force-replace ${w.logicalId}, after stopping both compute fleets`
          : 'stop both compute fleets (pcluster update-compute-fleet --status STOP_REQUESTED), re-run with --fleet-stopped, then replace the portal nodes',
      });
    }
  }
  return out;
}
