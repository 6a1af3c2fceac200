import { formatPath, type PathSegment } from '../issues.js';
import { compareVersions } from '../schema/image.js';
import { databaseUriProblem } from '../spec/accounting.js';
import { arr, computeResources, dig, loginPools, obj, scheduler, slurmQueues, str, type Rule } from './context.js';

/**
 * Slurm parameters ParallelCluster manages itself; CustomSlurmSettings may not override them (lower-cased).
 * CustomSlurmSettingsValidator's lists: CommunicationParameters left the cluster list in 3.9.0.
 */
export const SLURM_DENY_LIST = {
  cluster: [
    'epilog', 'grestypes', 'launchparameters', 'prolog', 'reconfigflags', 'resumefailprogram', 'resumeprogram',
    'resumetimeout', 'slurmctldhost', 'slurmctldlogfile', 'slurmctldparameters', 'slurmdlogfile', 'slurmuser',
    'suspendexcnodes', 'suspendprogram', 'suspendtime', 'taskplugin', 'treewidth',
  ],
  accounting: ['accountingstoragetype', 'accountingstoragehost', 'accountingstorageport', 'accountingstorageuser', 'jobacctgathertype'],
  queue: ['nodes', 'partitionname', 'resumetimeout', 'state', 'suspendtime', 'oversubscribe'],
  computeResource: ['cpus', 'features', 'gres', 'nodeaddr', 'nodehostname', 'nodename', 'state', 'weight'],
};

const schedulerSections: Rule = (ctx) => {
  const s = scheduler(ctx.config);
  const sched = obj(ctx.config.Scheduling);
  if (!sched || !s) return;
  if (s === 'slurm') {
    if (sched.SlurmQueues === undefined) ctx.report(['Scheduling', 'SlurmQueues'], 'Scheduler slurm needs SlurmQueues (at least one queue)');
    if (sched.AwsBatchQueues !== undefined) ctx.report(['Scheduling', 'AwsBatchQueues'], 'AwsBatchQueues only applies to Scheduler awsbatch; use SlurmQueues', 'error', true);
    if (sched.AwsBatchSettings !== undefined) ctx.report(['Scheduling', 'AwsBatchSettings'], 'AwsBatchSettings only applies to Scheduler awsbatch; use SlurmSettings', 'error', true);
  } else if (s === 'awsbatch') {
    if (sched.AwsBatchQueues === undefined) ctx.report(['Scheduling', 'AwsBatchQueues'], 'Scheduler awsbatch needs AwsBatchQueues');
    for (const k of ['SlurmQueues', 'SlurmSettings', 'ScalingStrategy']) {
      if (sched[k] !== undefined) ctx.report(['Scheduling', k], `${k} only applies to Scheduler slurm`, 'error', true);
    }
    for (const k of ['LoginNodes', 'DirectoryService']) {
      if (ctx.config[k] !== undefined) ctx.report([k], `${k} is only supported with Scheduler slurm`, 'error', true);
    }
  }
};

const accounting: Rule = (ctx) => {
  const settings = obj(dig(ctx.config, 'Scheduling', 'SlurmSettings'));
  if (!settings) return;
  const base = ['Scheduling', 'SlurmSettings'];
  if (settings.Database !== undefined && settings.ExternalSlurmdbd !== undefined) {
    ctx.report([...base, 'ExternalSlurmdbd'], 'Database and ExternalSlurmdbd cannot both be set: either the head node runs slurmdbd against Database, or it uses an external slurmdbd', 'error', true);
  }
  if (settings.ExternalSlurmdbd !== undefined && settings.MungeKeySecretArn === undefined) {
    ctx.report([...base, 'MungeKeySecretArn'], 'ExternalSlurmdbd needs MungeKeySecretArn: the external slurmdbd and the cluster must share one munge key');
  }
  const uri = str(dig(settings, 'Database', 'Uri'));
  const uriProblem = uri === undefined ? undefined : databaseUriProblem(uri);
  if (uriProblem) ctx.report([...base, 'Database', 'Uri'], `${uriProblem} (DatabaseUriValidator)`);
  else if (uri !== undefined && !/:\d+$/.test(uri)) {
    ctx.report([...base, 'Database', 'Uri'], `"${uri}" has no port; ParallelCluster assumes 3306 (write host:port to be explicit)`, 'warning');
  }
  if (settings.CustomSlurmSettings !== undefined && settings.CustomSlurmSettingsIncludeFile !== undefined) {
    ctx.report([...base, 'CustomSlurmSettingsIncludeFile'], 'CustomSlurmSettings and CustomSlurmSettingsIncludeFile cannot both be set', 'error', true);
  }
};

function checkKeys(
  report: (p: PathSegment[], m: string, sev?: 'error' | 'warning') => void,
  path: PathSegment[],
  settings: unknown,
  deny: string[],
  level: string,
): void {
  const o = obj(settings);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    if (deny.includes(k.toLowerCase())) {
      report([...path, k], `${k} is managed by ParallelCluster and cannot be set in ${level} CustomSlurmSettings`);
    }
    if (k.toLowerCase() === 'privatedata' && /jobs/i.test(String(v))) {
      report([...path, k], 'PrivateData=jobs hides other users\' jobs; the EnginFrame portal admin needs to see every job', 'warning');
    }
  }
}

const customSlurmSettings: Rule = (ctx) => {
  const report = (p: PathSegment[], m: string, sev: 'error' | 'warning' = 'error') => ctx.report(p, m, sev, true);
  const settings = obj(dig(ctx.config, 'Scheduling', 'SlurmSettings'));
  const clusterDeny = [...SLURM_DENY_LIST.cluster, ...(settings?.Database !== undefined ? SLURM_DENY_LIST.accounting : [])];
  arr(settings?.CustomSlurmSettings).forEach((entry, i) => {
    // An entry with several keys is a custom NodeName/NodeSet/PartitionName line, which ParallelCluster does not
    // check against the cluster deny list.
    const o = obj(entry);
    const denyHere = o && Object.keys(o).length > 1 ? [] : clusterDeny;
    checkKeys(report, ['Scheduling', 'SlurmSettings', 'CustomSlurmSettings', i], entry, denyHere, 'cluster-level');
    // CustomSlurmNodeNamesValidator: "-st-" and "-dy-" mark the nodes ParallelCluster's daemons manage.
    for (const [k, v] of Object.entries(o ?? {})) {
      if (k.toLowerCase() === 'nodename' && /-st-|-dy-/.test(String(v))) {
        report(['Scheduling', 'SlurmSettings', 'CustomSlurmSettings', i, k], `custom node name "${String(v)}" contains "-st-" or "-dy-", which ParallelCluster reserves for the nodes it manages; rename it`);
      }
    }
  });
  for (const q of slurmQueues(ctx.config)) {
    checkKeys(report, [...q.path, 'CustomSlurmSettings'], q.value.CustomSlurmSettings, SLURM_DENY_LIST.queue, 'queue');
    for (const cr of computeResources(q)) {
      checkKeys(report, [...cr.path, 'CustomSlurmSettings'], cr.value.CustomSlurmSettings, SLURM_DENY_LIST.computeResource, 'compute resource');
    }
  }
};

/** From 3.14 a pool's own KeyName is deprecated (refused from 3.15): login nodes take the head node's key pair. */
const POOL_KEY_DEPRECATED = '3.14.0';

const loginNodes: Rule = (ctx) => {
  const headKey = str(dig(ctx.config, 'HeadNode', 'Ssh', 'KeyName'));
  if (headKey !== undefined) return;
  const ownKeys = compareVersions(ctx.version, POOL_KEY_DEPRECATED) < 0;
  for (const p of loginPools(ctx.config)) {
    if (ownKeys && str(dig(p.value, 'Ssh', 'KeyName')) === undefined) {
      ctx.report([...p.path, 'Ssh', 'KeyName'], 'no SSH key for the login nodes and none on the head node to inherit; users can only reach them through SSM', 'warning');
    } else if (!ownKeys) {
      ctx.report(['HeadNode', 'Ssh', 'KeyName'], `no HeadNode.Ssh.KeyName, which the login nodes of ${formatPath(p.path)} use (from ParallelCluster ${POOL_KEY_DEPRECATED} a pool has no key of its own); users can only reach them through SSM`, 'warning');
    }
  }
};

export const slurmRules: readonly Rule[] = [schedulerSections, accounting, customSlurmSettings, loginNodes];
