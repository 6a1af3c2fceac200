import { isDeployTimeValue } from '../deploy-time.js';
import type { PathSegment } from '../issues.js';
import { compareVersions } from '../schema/image.js';
import {
  computeResources, dig, items, loginPools, obj, slurmQueues, storages, str, type Located, type Rec, type Rule,
  type RuleContext,
} from './context.js';

export const CLUSTER_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]+$/;
export const CLUSTER_NAME_MAX = 60;
export const CLUSTER_NAME_MAX_WITH_ACCOUNTING = 40;
export const EXTERNAL_SLURMDBD_NAME_LIMIT_FROM = '3.16.0';
export const RESOURCE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const RESOURCE_NAME_MAX = 25;
export const STORAGE_NAME_PATTERN = /^[\w+\-=.:@/]{0,256}$/;
export const STORAGE_NAME_MAX = 30;

const clusterName: Rule = (ctx) => {
  const name = ctx.clusterName;
  if (name === undefined || isDeployTimeValue(name)) return;
  if (!CLUSTER_NAME_PATTERN.test(name)) {
    ctx.report(['ClusterName'], `"${name}" is not a valid cluster name: start with a letter, then at least one letter, digit or hyphen`);
  }
  // The accounting limit covers Database since its introduction, ExternalSlurmdbd only from 3.16.0.
  const accounting = dig(ctx.config, 'Scheduling', 'SlurmSettings', 'Database') !== undefined
    ? 'Scheduling.SlurmSettings.Database'
    : dig(ctx.config, 'Scheduling', 'SlurmSettings', 'ExternalSlurmdbd') !== undefined &&
        compareVersions(ctx.version, EXTERNAL_SLURMDBD_NAME_LIMIT_FROM) >= 0
      ? 'Scheduling.SlurmSettings.ExternalSlurmdbd'
      : undefined;
  if (accounting && name.length > CLUSTER_NAME_MAX_WITH_ACCOUNTING) {
    ctx.report(['ClusterName'], `"${name}" has ${name.length} characters; with ${accounting} set the cluster name must be at most ${CLUSTER_NAME_MAX_WITH_ACCOUNTING} (Slurm accounting table names are limited to 64)`);
  } else if (name.length > CLUSTER_NAME_MAX) {
    ctx.report(['ClusterName'], `"${name}" has ${name.length} characters; a cluster name must be at most ${CLUSTER_NAME_MAX}`);
  }
};

function checkResourceName(ctx: RuleContext, path: PathSegment[], name: string | undefined, what: string): void {
  if (name === undefined) return;
  if (name === 'default') {
    ctx.report(path, `"default" is reserved and cannot name a ${what}`);
  } else if (!RESOURCE_NAME_PATTERN.test(name)) {
    ctx.report(path, `"${name}" is not a valid ${what} name: start with a lowercase letter, then only lowercase letters, digits and hyphens`);
  }
  if (name.length > RESOURCE_NAME_MAX) {
    ctx.report(path, `"${name}" has ${name.length} characters; a ${what} name must be at most ${RESOURCE_NAME_MAX}`);
  }
}

function checkUnique(ctx: RuleContext, list: Located<Rec>[], key: string, what: string): void {
  const seen = new Map<string, PathSegment[]>();
  for (const it of list) {
    const v = str(it.value[key]);
    if (v === undefined) continue;
    const first = seen.get(v);
    if (first) ctx.report([...it.path, key], `duplicate ${what} "${v}" (already used at ${fmt(first)})`);
    else seen.set(v, [...it.path, key]);
  }
}

const fmt = (p: PathSegment[]) => p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');

const resourceNames: Rule = (ctx) => {
  const queues = slurmQueues(ctx.config);
  for (const q of queues) {
    checkResourceName(ctx, [...q.path, 'Name'], str(q.value.Name), 'queue');
    const crs = computeResources(q);
    for (const cr of crs) checkResourceName(ctx, [...cr.path, 'Name'], str(cr.value.Name), 'compute resource');
    checkUnique(ctx, crs, 'Name', 'compute resource name in this queue');
  }
  checkUnique(ctx, queues, 'Name', 'queue name');
  const batch = items(obj(ctx.config.Scheduling), 'AwsBatchQueues', ['Scheduling']);
  for (const q of batch) {
    checkResourceName(ctx, [...q.path, 'Name'], str(q.value.Name), 'queue');
    for (const cr of items(q.value, 'ComputeResources', q.path)) {
      checkResourceName(ctx, [...cr.path, 'Name'], str(cr.value.Name), 'compute resource');
    }
  }
  const pools = loginPools(ctx.config);
  for (const p of pools) checkResourceName(ctx, [...p.path, 'Name'], str(p.value.Name), 'login node pool');
  checkUnique(ctx, pools, 'Name', 'login node pool name');
};

const storageNames: Rule = (ctx) => {
  const list = storages(ctx.config);
  for (const s of list) {
    const name = str(s.value.Name);
    if (name === undefined) continue;
    const path = [...s.path, 'Name'];
    if (name === 'default') ctx.report(path, '"default" is reserved and cannot name a shared storage');
    if (!STORAGE_NAME_PATTERN.test(name)) ctx.report(path, `"${name}" may only contain letters, digits and the characters + - = . _ : @ /`);
    if (name.length > STORAGE_NAME_MAX) ctx.report(path, `"${name}" has ${name.length} characters; a shared storage name must be at most ${STORAGE_NAME_MAX}`);
    if (name.length === 0) ctx.report(path, 'a shared storage name must not be empty');
  }
  checkUnique(ctx, list, 'Name', 'shared storage name');
};

export const nameRules: readonly Rule[] = [clusterName, resourceNames, storageNames];
