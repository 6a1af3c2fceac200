import type { PathSegment } from '../issues.js';
import type { RawIssue } from './schema-issues.js';

export type Rec = Record<string, unknown>;

/** Rules see data that may have failed the schema, so every accessor tolerates the wrong shape. */
export const obj = (v: unknown): Rec | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
export const dig = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => obj(o)?.[k], v);

export interface RuleContext {
  config: Rec;
  clusterName?: string;
  /** The ParallelCluster release the config is checked against. */
  version: string;
  /** Subnet id → Availability Zone, when the caller knows it (offline rules cannot look it up). */
  subnetAvailabilityZones?: Readonly<Record<string, string>>;
  report(segments: PathSegment[], message: string, severity?: 'error' | 'warning', atKey?: boolean): void;
}
export type Rule = (ctx: RuleContext) => void;

export interface CollectOptions {
  clusterName?: string | undefined;
  version: string;
  subnetAvailabilityZones?: Readonly<Record<string, string>> | undefined;
}

export function collect(config: Rec, opts: CollectOptions, rules: readonly Rule[]): RawIssue[] {
  const out: RawIssue[] = [];
  const ctx: RuleContext = {
    config,
    version: opts.version,
    ...(opts.clusterName !== undefined ? { clusterName: opts.clusterName } : {}),
    ...(opts.subnetAvailabilityZones !== undefined ? { subnetAvailabilityZones: opts.subnetAvailabilityZones } : {}),
    report: (segments, message, severity = 'error', atKey = false) => out.push({ segments, message, severity, atKey }),
  };
  for (const rule of rules) rule(ctx);
  return out;
}

export interface Located<T> {
  value: T;
  path: PathSegment[];
}

export function items(parent: unknown, key: string, base: PathSegment[]): Located<Rec>[] {
  return arr(obj(parent)?.[key]).flatMap((v, i) => {
    const o = obj(v);
    return o ? [{ value: o, path: [...base, key, i] }] : [];
  });
}

export const scheduler = (c: Rec): string | undefined => str(dig(c, 'Scheduling', 'Scheduler'));
export const slurmQueues = (c: Rec) => items(obj(c.Scheduling), 'SlurmQueues', ['Scheduling']);
export const computeResources = (q: Located<Rec>) => items(q.value, 'ComputeResources', q.path);
export const storages = (c: Rec) => items(c, 'SharedStorage', []);
export const loginPools = (c: Rec) => items(obj(c.LoginNodes), 'Pools', ['LoginNodes']);
