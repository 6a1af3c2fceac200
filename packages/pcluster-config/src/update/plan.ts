/**
 * planClusterUpdate: what `pcluster update-cluster` (or the Custom::PclusterCluster provider) would make of a change
 * from one v3 config to another, key by key, decided offline. Configs are compared the way ParallelCluster's
 * ConfigPatch does: sections key by key, named lists item by item (by Name, Key, Policy, ...), everything else as a
 * whole value. Each change carries its key's update policy and what that policy needs.
 */
import { POLICY_TABLE, type PolicyEntry } from './policy-table.js';
import { UPDATE_POLICIES, type UpdatePolicyName } from './policies.js';

export type UpdateOutcome =
  | 'live' // ParallelCluster applies it to the running cluster
  | 'ignored' // not analysed
  | 'needs-compute-stop' // refused while the compute fleet runs
  | 'needs-login-stop' // refused while login nodes run
  | 'needs-compute-and-login-stop'
  | 'refused' // refused whatever the state: only a new cluster takes it
  | 'unclassified'; // a key newer than the classification

export interface PlannedChange {
  /** ParallelCluster's spelling: `Scheduling.SlurmQueues[compute].ComputeResources[c5].MaxCount`. */
  readonly path: string;
  readonly oldValue: unknown;
  readonly newValue: unknown;
  readonly policy: UpdatePolicyName;
  readonly outcome: UpdateOutcome;
  /** True when ParallelCluster would refuse the update in the state given by PlanOptions. */
  readonly blocked: boolean;
  /** Why, or what to do first (one sentence). */
  readonly reason: string;
}

export interface PlanOptions {
  /**
   * Whether the compute fleet is stopped. Default false: a cluster runs its fleet unless someone stopped it, and the
   * Custom::PclusterCluster provider never stops it before an update.
   */
  computeFleetStopped?: boolean;
  /** Whether every login node is stopped (pool Count 0). Default: true only when the old config runs none. */
  loginNodesStopped?: boolean;
}

export interface UpdatePlan {
  readonly changes: readonly PlannedChange[];
  /** The changes ParallelCluster would refuse; an update with any of them fails (and rolls back). */
  readonly blocked: readonly PlannedChange[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
const STORAGE_ID_KEYS: Readonly<Record<string, [string, string]>> = {
  Efs: ['EfsSettings', 'FileSystemId'],
  FsxLustre: ['FsxLustreSettings', 'FileSystemId'],
  FsxOntap: ['FsxOntapSettings', 'VolumeId'],
  FsxOpenZfs: ['FsxOpenZfsSettings', 'VolumeId'],
  FileCache: ['FileCacheSettings', 'FileCacheId'],
};

/** Deep equality of plain JSON values (CloudFormation intrinsics included), key order ignored. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isRec(a) && isRec(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

interface RawChange {
  pattern: string;
  path: string;
  /** Named-list items the change sits in, outermost first: `[['SlurmQueues', 'compute'], ...]`. */
  items: [string, string][];
  key: string;
  oldValue: unknown;
  newValue: unknown;
  policy: UpdatePolicyName;
  isListItem: boolean;
}

function entryOf(pattern: string): PolicyEntry | undefined {
  return POLICY_TABLE[pattern] ?? POLICY_TABLE[`${pattern}[]`];
}

function collectChanges(base: Rec, target: Rec): RawChange[] {
  const out: RawChange[] = [];
  const section = (b: Rec | undefined, t: Rec | undefined, pattern: string, path: string, items: [string, string][]) => {
    const keys = [...new Set([...Object.keys(t ?? {}), ...Object.keys(b ?? {})])];
    for (const key of keys) {
      const p = pattern ? `${pattern}.${key}` : key;
      const shown = path ? `${path}.${key}` : key;
      const entry = entryOf(p);
      const bv = b?.[key];
      const tv = t?.[key];
      if (bv === undefined && tv === undefined) continue;
      // A key the table does not know (newer than its source) is reported as such, never guessed.
      const policy: UpdatePolicyName = entry?.[0] ?? 'UNCLASSIFIED';
      const leaf = (oldValue: unknown, newValue: unknown) =>
        out.push({ pattern: p, path: shown, items, key, oldValue, newValue, policy, isListItem: false });
      if (entry?.[1] === 'list' && (Array.isArray(bv) || bv === undefined) && (Array.isArray(tv) || tv === undefined)) {
        list(bv ?? [], tv ?? [], `${p}[]`, shown, items, key, entry);
      } else if (entry?.[1] === 'section' && (isRec(bv) || isRec(tv)) && (bv === undefined || isRec(bv)) && (tv === undefined || isRec(tv))) {
        if (isRec(bv) && isRec(tv)) section(bv, tv, p, shown, items);
        else if (policy === 'IGNORED') section(isRec(bv) ? bv : undefined, isRec(tv) ? tv : undefined, p, shown, items);
        else leaf(bv, tv);
      } else if (!same(bv, tv)) {
        leaf(bv, tv);
      }
    }
  };
  const list = (b: unknown[], t: unknown[], pattern: string, path: string, items: [string, string][], key: string, entry: PolicyEntry) => {
    const idKey = entry[2] ?? 'Name';
    const id = (v: unknown) => (isRec(v) ? String(v[idKey] ?? '') : JSON.stringify(v));
    const matched = new Set<number>();
    for (const tv of t) {
      const i = b.findIndex((bv, j) => !matched.has(j) && id(bv) === id(tv));
      const label = id(tv);
      if (i >= 0 && isRec(b[i]) && isRec(tv)) {
        matched.add(i);
        section(b[i] as Rec, tv, pattern, `${path}[${label}]`, [...items, [key, label]]);
      } else {
        out.push({ pattern, path: `${path}[${label}]`, items, key, oldValue: undefined, newValue: tv, policy: entry[0], isListItem: true });
      }
    }
    b.forEach((bv, j) => {
      if (!matched.has(j)) out.push({ pattern, path: `${path}[${id(bv)}]`, items, key, oldValue: bv, newValue: undefined, policy: entry[0], isListItem: true });
    });
  };
  section(base, target, '', '', []);
  return out;
}

interface State {
  base: Rec;
  target: Rec;
  computeRunning: boolean;
  loginRunning: boolean;
  queueStrategy: string;
  awsbatch: boolean;
}

const inSlurmQueues = (c: RawChange) => c.items.some(([k]) => k === 'SlurmQueues') || c.key === 'SlurmQueues';
const findNamed = (list: unknown, name: string): Rec | undefined =>
  (Array.isArray(list) ? list : []).find((v): v is Rec => isRec(v) && v.Name === name);

function queueAndCr(config: Rec, c: RawChange): { q?: Rec; cr?: Rec } {
  const qName = c.items.find(([k]) => k === 'SlurmQueues')?.[1];
  const crName = c.items.find(([k]) => k === 'ComputeResources')?.[1];
  const q = qName === undefined ? undefined : findNamed((config.Scheduling as Rec | undefined)?.SlurmQueues, qName);
  const cr = q && crName !== undefined ? findNamed(q.ComputeResources, crName) : undefined;
  return { ...(q ? { q } : {}), ...(cr ? { cr } : {}) };
}

/** ParallelCluster creates the group itself when PlacementGroup is enabled without Name/Id. */
function managedPg(config: Rec, c: RawChange): boolean {
  const { q, cr } = queueAndCr(config, c);
  const pg = ((cr?.Networking as Rec | undefined)?.PlacementGroup ?? (q?.Networking as Rec | undefined)?.PlacementGroup) as Rec | undefined;
  return pg?.Enabled === true && pg.Name === undefined && pg.Id === undefined;
}

const managedFsxNames = (config: Rec): Set<string> =>
  new Set((Array.isArray(config.SharedStorage) ? config.SharedStorage : []).flatMap((s) =>
    isRec(s) && s.StorageType === 'FsxLustre' && !(isRec(s.FsxLustreSettings) && s.FsxLustreSettings.FileSystemId !== undefined) ? [String(s.Name)] : []));

function storageOf(c: RawChange, st: State): Rec | undefined {
  if (c.isListItem) return (isRec(c.newValue) ? c.newValue : isRec(c.oldValue) ? c.oldValue : undefined);
  const name = c.items.find(([k]) => k === 'SharedStorage')?.[1];
  return name === undefined ? undefined : findNamed(st.target.SharedStorage, name) ?? findNamed(st.base.SharedStorage, name);
}

const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

interface Verdict { outcome: UpdateOutcome; reason: string }
const LIVE = (reason: string): Verdict => ({ outcome: 'live', reason });
const needsCompute = (reason: string): Verdict => ({ outcome: 'needs-compute-stop', reason });
const STOP_FLEET = 'stop the compute fleet first (pcluster update-compute-fleet --status STOP_REQUESTED); the Custom::PclusterCluster provider does not stop it';

function queueStrategy(c: RawChange, st: State, onRemove = false): Verdict {
  if (!st.computeRunning) return LIVE('the compute fleet is stopped');
  if (inSlurmQueues(c) && st.queueStrategy !== 'COMPUTE_FLEET_STOP') return LIVE(`compute nodes are replaced per QueueUpdateStrategy ${st.queueStrategy}`);
  if (onRemove && inSlurmQueues(c) && Array.isArray(c.oldValue) && Array.isArray(c.newValue) && c.oldValue.every((v) => c.newValue instanceof Array && c.newValue.some((n) => same(n, v)))) {
    return LIVE('only additions');
  }
  return needsCompute(inSlurmQueues(c) ? `${STOP_FLEET}, or set Scheduling.SlurmSettings.QueueUpdateStrategy to DRAIN or TERMINATE` : STOP_FLEET);
}

function resizeOnRemove(c: RawChange, st: State, all: RawChange[]): Verdict {
  if (!st.computeRunning) return LIVE('the compute fleet is stopped');
  if (inSlurmQueues(c) && st.queueStrategy === 'TERMINATE') return LIVE('QueueUpdateStrategy TERMINATE removes the nodes that no longer fit');
  if (c.isListItem && c.oldValue === undefined) return LIVE(`a new ${c.key === 'SlurmQueues' ? 'queue' : 'compute resource'} is added live`);
  if (c.key === 'MaxCount' && num(c.newValue, 10) >= num(c.oldValue, 10)) return LIVE('MaxCount grows');
  if (c.key === 'MinCount') {
    const max = all.find((o) => o.key === 'MaxCount' && o.path === c.path.replace(/MinCount$/, 'MaxCount'));
    const growMax = max ? num(max.newValue, 10) - num(max.oldValue, 10) : 0;
    if (growMax >= num(c.newValue, 0) - num(c.oldValue, 0)) return LIVE('MaxCount grows at least as much as MinCount');
  }
  return needsCompute(`${STOP_FLEET}, or set Scheduling.SlurmSettings.QueueUpdateStrategy: TERMINATE (running jobs on removed nodes are killed)`);
}

function sharedStorage(c: RawChange, st: State): Verdict {
  const s = storageOf(c, st);
  const dirs = [c.oldValue, c.newValue].map((v) => (isRec(v) ? v.MountDir : c.key === 'MountDir' ? v : undefined));
  if (dirs.some((d) => d === '/home' || d === 'home')) return { outcome: 'refused', reason: 'the /home mount cannot change during an update' };
  if (st.awsbatch) return { outcome: 'refused', reason: 'shared storage cannot change on an awsbatch cluster' };
  const idKey = s && STORAGE_ID_KEYS[String(s.StorageType)];
  const external = !!(s && idKey && isRec(s[idKey[0]]) && (s[idKey[0]] as Rec)[idKey[1]] !== undefined);
  const needCompute = st.computeRunning && !external && st.queueStrategy === 'COMPUTE_FLEET_STOP';
  const needLogin = st.loginRunning && !external;
  if (needCompute && needLogin) return { outcome: 'needs-compute-and-login-stop', reason: `${STOP_FLEET} (or set a QueueUpdateStrategy), and stop the login nodes (pool Count 0)` };
  if (needCompute) return needsCompute(`${STOP_FLEET}, or set Scheduling.SlurmSettings.QueueUpdateStrategy`);
  if (needLogin) return { outcome: 'needs-login-stop', reason: 'stop the login nodes first (set every pool Count to 0 and update)' };
  return LIVE(external ? 'an existing file system is mounted or unmounted live' : 'the fleets are stopped or replaced per QueueUpdateStrategy');
}

function verdict(c: RawChange, st: State, all: RawChange[]): Verdict {
  const loginStop: Verdict = { outcome: 'needs-login-stop', reason: 'stop the login nodes first (set the pool Count to 0 and update)' };
  switch (c.policy) {
    case 'SUPPORTED': return LIVE(UPDATE_POLICIES.SUPPORTED);
    case 'IGNORED': return { outcome: 'ignored', reason: UPDATE_POLICIES.IGNORED };
    case 'UNSUPPORTED': return { outcome: 'refused', reason: 'ParallelCluster never updates this key; restore the old value or create a new cluster' };
    case 'READ_ONLY_RESOURCE_BUCKET': return { outcome: 'refused', reason: 'CustomS3Bucket is read-only after creation; restore the old value' };
    case 'UNCLASSIFIED': return { outcome: 'unclassified', reason: UPDATE_POLICIES.UNCLASSIFIED };
    case 'AWSBATCH_CE_MAX_RESIZE': return LIVE('applied unless MaxvCpus drops below the vCPUs running now');
    case 'COMPUTE_FLEET_STOP': return st.computeRunning ? needsCompute(STOP_FLEET) : LIVE('the compute fleet is stopped');
    case 'COMPUTE_FLEET_STOP_ON_REMOVE':
      if (!st.computeRunning || (c.isListItem && c.oldValue === undefined && inSlurmQueues(c))) return LIVE('added live');
      return needsCompute(STOP_FLEET);
    case 'QUEUE_UPDATE_STRATEGY': return queueStrategy(c, st);
    case 'RESIZE_UPDATE_STRATEGY_ON_REMOVE': return resizeOnRemove(c, st, all);
    case 'MANAGED_PLACEMENT_GROUP':
      if (managedPg(st.base, c) && !managedPg(st.target, c) && st.computeRunning) return needsCompute(`removing a managed placement group: ${STOP_FLEET}`);
      return queueStrategy(c, st);
    case 'MANAGED_FSX': {
      const kept = [...managedFsxNames(st.base)].filter((n) => managedFsxNames(st.target).has(n));
      if (kept.length) return { outcome: 'refused', reason: `subnets cannot change while the managed FSx for Lustre file system ${kept.join(', ')} is kept: an update would delete it and its data` };
      return queueStrategy(c, st, true);
    }
    case 'SHARED_STORAGE_UPDATE_POLICY': return sharedStorage(c, st);
    case 'LOGIN_NODES_POOLS':
      return !st.loginRunning || (c.isListItem && c.oldValue === undefined) ? LIVE('a pool is added live') : { ...loginStop, reason: 'removing a pool: stop every login node first (set each pool Count to 0 and update)' };
    case 'LOGIN_NODES_STOP':
    case 'LOGIN_NODES_POOL_STOP': return st.loginRunning ? loginStop : LIVE('the login nodes are stopped');
    case 'COMPUTE_AND_LOGIN_NODES_STOP':
      if (st.computeRunning && st.loginRunning) return { outcome: 'needs-compute-and-login-stop', reason: `${STOP_FLEET}, and stop the login nodes (pool Count 0)` };
      if (st.computeRunning) return needsCompute(STOP_FLEET);
      return st.loginRunning ? loginStop : LIVE('the fleets are stopped');
  }
}

const runsLoginNodes = (config: Rec): boolean => {
  const pools = isRec(config.LoginNodes) && Array.isArray(config.LoginNodes.Pools) ? config.LoginNodes.Pools : [];
  return pools.some((p) => isRec(p) && num(p.Count, 0) > 0);
};

/**
 * The changed keys from `oldConfig` to `newConfig` (ParallelCluster v3 configs as objects), each with its update
 * policy and what ParallelCluster would make of it, plus the ones it would refuse.
 */
export function planClusterUpdate(oldConfig: object, newConfig: object, opts: PlanOptions = {}): UpdatePlan {
  const base = oldConfig as Rec;
  const target = newConfig as Rec;
  const scheduling = isRec(target.Scheduling) ? target.Scheduling : {};
  const st: State = {
    base,
    target,
    computeRunning: opts.computeFleetStopped !== true,
    loginRunning: opts.loginNodesStopped === undefined ? runsLoginNodes(base) : !opts.loginNodesStopped,
    queueStrategy: String((isRec(scheduling.SlurmSettings) && scheduling.SlurmSettings.QueueUpdateStrategy) || 'COMPUTE_FLEET_STOP'),
    awsbatch: scheduling.Scheduler === 'awsbatch',
  };
  const raw = collectChanges(base, target);
  const changes = raw.map((c): PlannedChange => {
    const v = verdict(c, st, raw);
    const blocked = v.outcome !== 'live' && v.outcome !== 'ignored' && v.outcome !== 'unclassified';
    return { path: c.path, oldValue: c.oldValue, newValue: c.newValue, policy: c.policy, outcome: v.outcome, blocked, reason: v.reason };
  });
  return { changes, blocked: changes.filter((c) => c.blocked) };
}
