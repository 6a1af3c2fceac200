/**
 * The offline comparison of two assemblies: per stack, each resource added, updated in place, replaced or deleted
 * (replacement from the resource specification), and the refusals: stateful resources lost, exports still
 * imported, cluster changes ParallelCluster refuses, the munge key renewed on one side.
 */
import { clustersInTemplate } from '../cluster-updates/templates.js';
import { planClusterUpdates, type ClusterUpdate } from '../cluster-updates/report.js';
import { cdkPath, deepEqual, resourceKeys, resources, type Assembly, type StackTemplate, type TemplateResource } from './assembly.js';
import { exportRefusals } from './exports.js';
import type { CompareOptions, Refusal, ResourceChange, StackReport } from './model.js';
import { sharedSecretRefusals } from './shared-secret.js';
import { refusedInPlace } from './service-rules.js';
import type { ResourceSpec } from './spec.js';


export interface Comparison {
  readonly stacks: StackReport[];
  readonly refusals: Refusal[];
}

interface Located {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly resource: TemplateResource;
}

/** The construct path below the stack (`FileSystem/Resource`): the same when a construct moves between stacks. */
const innerPath = (r: TemplateResource) => cdkPath(r)?.split('/').slice(1).join('/');

const label = (l: Located) => `${l.stack.id}/${l.logicalId} (${l.resource.Type}${cdkPath(l.resource) ? `, ${cdkPath(l.resource)}` : ''})`;

function changedKeys(o: TemplateResource, n: TemplateResource): string[] {
  const props = [...new Set([...Object.keys(o.Properties ?? {}), ...Object.keys(n.Properties ?? {})])].filter(
    (k) => !deepEqual(o.Properties?.[k], n.Properties?.[k]),
  );
  const attrs = (['DeletionPolicy', 'UpdateReplacePolicy', 'DependsOn', 'Condition'] as const).filter(
    (k) => !deepEqual((o as unknown as Record<string, unknown>)[k], (n as unknown as Record<string, unknown>)[k]),
  );
  return [...props, ...attrs];
}

export function compareAssemblies(from: Assembly, to: Assembly, spec: ResourceSpec, opts: CompareOptions = {}): Comparison {
  const refusals: Refusal[] = [];
  const stacks: StackReport[] = [];
  const removed: Located[] = [];
  const added: Located[] = [];
  const ids = [...new Set([...to.stacks.map((s) => s.id), ...from.stacks.map((s) => s.id)])];

  for (const id of ids) {
    const o = from.stacks.find((s) => s.id === id);
    const n = to.stacks.find((s) => s.id === id);
    const changes: ResourceChange[] = [];
    const oldRes = new Map(o ? resources(o) : []);
    const newRes = new Map(n ? resources(n) : []);
    for (const [logicalId, r] of newRes) {
      const before = oldRes.get(logicalId);
      const stateful = spec.isStateful(r.Type);
      const base = { logicalId, type: r.Type, ...(cdkPath(r) ? { path: cdkPath(r)! } : {}), stateful };
      if (!before) {
        added.push({ stack: n!, logicalId, resource: r });
        changes.push({ ...base, action: 'add', why: 'new in this version' });
        continue;
      }
      // Metadata (construct paths, asset hints) is not deployed state: a change of it alone is no change.
      if (deepEqual({ ...before, Metadata: undefined }, { ...r, Metadata: undefined })) continue;
      const here: Located = { stack: n!, logicalId, resource: r };
      if (before.Type !== r.Type) {
        changes.push({ ...base, action: 'replace', why: `type ${before.Type} → ${r.Type}` });
        if (spec.isStateful(before.Type)) refusals.push(statefulRefusal('stateful-replaced', here, `its type changes (${before.Type} → ${r.Type})`));
        continue;
      }
      const replacing = spec.replacingChanges(r.Type, before.Properties, r.Properties);
      const sure = replacing.filter((c) => c.certainty === 'yes').map((c) => c.path);
      const maybe = replacing.filter((c) => c.certainty === 'maybe').map((c) => c.path);
      const serviceRefuses = refusedInPlace(r.Type, before.Properties, r.Properties);
      for (const s of serviceRefuses) {
        refusals.push({
          kind: 'refused-in-place', stack: id, target: `${logicalId}.${s.path}`, keys: resourceKeys(n!, logicalId, r),
          reason: `${label(here)}: ${s.why}; CloudFormation would try it in place and roll back`,
          fix: 'keep the old value; to change it, create a second file system, move the data, then remove the first',
        });
      }
      if (sure.length || maybe.length) {
        const action = sure.length ? 'replace' : 'may-replace';
        const why = `create-only ${[...sure, ...maybe].join(', ')} changed${maybe.length && !sure.length ? ' (replacement depends on the values)' : ''}`;
        changes.push({ ...base, action, why });
        if (stateful) refusals.push(statefulRefusal('stateful-replaced', here, `${action === 'replace' ? 'it is replaced' : 'it may be replaced'}: ${why}`));
        continue;
      }
      const why = r.Type === 'Custom::PclusterCluster' ? 'cluster configuration (see the cluster plan below)' : `${changedKeys(before, r).join(', ')} changed`;
      changes.push({ ...base, action: 'update', why });
    }
    for (const [logicalId, r] of oldRes) {
      if (newRes.has(logicalId)) continue;
      removed.push({ stack: o!, logicalId, resource: r });
      changes.push({ logicalId, type: r.Type, ...(cdkPath(r) ? { path: cdkPath(r)! } : {}), action: 'delete', stateful: spec.isStateful(r.Type), why: 'no longer in the template' });
    }
    const clusters = clusterPlan(o, n, opts);
    refusals.push(...clusterRefusals(id, clusters, n ?? o!));
    const status = !o ? 'new' : !n ? 'removed' : changes.length || clusters.some((c) => c.kind !== 'update' || c.plan.changes.length) ? 'changed' : 'unchanged';
    stacks.push({ id, stackName: (n ?? o)!.stackName, status, changes, clusters });
  }

  for (const gone of removed) {
    if (!spec.isStateful(gone.resource.Type)) continue;
    const inner = innerPath(gone.resource);
    const moved = added.find(
      (a) => a.stack.id !== gone.stack.id && a.resource.Type === gone.resource.Type && (a.logicalId === gone.logicalId || (inner !== undefined && innerPath(a.resource) === inner)),
    );
    if (moved) {
      refusals.push(statefulRefusal('stateful-moved', gone, `it moves to stack ${moved.stack.id} (${moved.logicalId}): CloudFormation deletes it here and creates a new, empty one there`));
      continue;
    }
    const sameType = added.filter((a) => a.stack.id === gone.stack.id && a.resource.Type === gone.resource.Type);
    if (sameType.length === 1) {
      refusals.push(statefulRefusal('stateful-renamed', gone, `its logical ID changes (${gone.logicalId} → ${sameType[0]!.logicalId}): CloudFormation deletes it and creates a new, empty one`));
      continue;
    }
    refusals.push(statefulRefusal('stateful-deleted', gone, 'it is no longer in the template: CloudFormation deletes it'));
  }

  refusals.push(...exportRefusals(from, to));
  refusals.push(...sharedSecretRefusals(from, to, opts));
  return { stacks, refusals };
}

function statefulRefusal(kind: 'stateful-replaced' | 'stateful-deleted' | 'stateful-moved' | 'stateful-renamed', at: Located, what: string): Refusal {
  const policy = at.resource.DeletionPolicy ?? 'Delete';
  const kept = kind === 'stateful-replaced' ? at.resource.UpdateReplacePolicy ?? 'Delete' : policy;
  const fate = kept === 'Retain' ? 'the old one is retained, orphaned: nothing uses its data any more' : kept === 'Snapshot' ? 'the old one is snapshotted, then deleted' : 'its data is deleted';
  return {
    kind,
    stack: at.stack.id,
    target: at.logicalId,
    keys: resourceKeys(at.stack, at.logicalId, at.resource),
    reason: `${label(at)} holds data and ${what}; ${fate}`,
    fix:
      kind === 'stateful-replaced'
        ? 'keep the old value of those properties; or, accepting a new empty resource, re-run with --force-replace ' + at.logicalId
        : `keep its construct id and stack (an aws-cdk-lib overrideLogicalId keeps the logical ID); or, accepting a new empty resource, re-run with --force-replace ${at.logicalId}`,
  };
}

/** Every Custom::PclusterCluster of the stack, planned with ParallelCluster's update policies. */
function clusterPlan(o: StackTemplate | undefined, n: StackTemplate | undefined, opts: CompareOptions): ClusterUpdate[] {
  const synthesized = n ? clustersInTemplate(n.template) : [];
  const old = o ? clustersInTemplate(o.template) : [];
  if (!synthesized.length && !old.length) return [];
  return planClusterUpdates(synthesized, { status: 'deployed', stackName: (n ?? o)!.stackName, clusters: old }, {
    ...(opts.fleetStopped ? { computeFleetStopped: true } : {}),
    ...(opts.loginNodesStopped ? { loginNodesStopped: true } : {}),
  });
}

function clusterRefusals(stack: string, updates: readonly ClusterUpdate[], at: StackTemplate): Refusal[] {
  const out: Refusal[] = [];
  for (const u of updates) {
    if (u.kind === 'removed') {
      out.push({
        kind: 'cluster-deleted', stack, target: u.name, keys: [u.name, `${stack}/${u.name}`],
        reason: `cluster ${u.name} is no longer in ${at.stackName}: ParallelCluster deletes its head node, compute fleet and Slurm state`,
        fix: `keep the cluster in the config; or, accepting its loss, re-run with --force-replace ${u.name}`,
      });
      continue;
    }
    if (u.kind !== 'update') continue;
    for (const c of u.plan.blocked) {
      const stop = c.outcome !== 'refused';
      out.push({
        kind: stop ? 'cluster-needs-stop' : 'cluster-refused', stack, target: `${u.name}: ${c.path}`, keys: [`${u.name}:${c.path}`],
        reason: `cluster ${u.name}: ${c.path} [${c.policy}]: ${c.reason}`,
        fix: stop
          ? 'stop the compute fleet first (pcluster update-compute-fleet --status STOP_REQUESTED), then re-run with --fleet-stopped'
          : 'ParallelCluster applies this only to a new cluster: revert the key, or add a new cluster with it and retire the old one',
      });
    }
  }
  return out;
}
