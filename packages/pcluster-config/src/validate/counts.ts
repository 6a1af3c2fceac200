import { SETTINGS_KEY, type StorageType } from '../schema/shared-storage.js';
import { arr, computeResources, dig, items, loginPools, obj, slurmQueues, storages, str, type Rule } from './context.js';

/** ParallelCluster 3.16 limits (research §1.5–1.6). */
export const LIMITS = {
  slurmQueues: 50,
  computeResourcesPerQueue: 50,
  computeResourcesPerCluster: 50,
  awsBatchQueues: 1,
  awsBatchComputeResources: 1,
  loginPools: 10,
  ebs: 5,
  managedEfs: 1,
  managedFsx: 1,
  existingEfs: 20,
  existingFsx: 20,
  raid: 1,
} as const;

const queueCounts: Rule = (ctx) => {
  const queues = slurmQueues(ctx.config);
  if (queues.length > LIMITS.slurmQueues) {
    ctx.report(['Scheduling', 'SlurmQueues'], `${queues.length} queues defined; a cluster can have at most ${LIMITS.slurmQueues}`);
  }
  let total = 0;
  for (const q of queues) {
    const n = computeResources(q).length;
    total += n;
    if (n > LIMITS.computeResourcesPerQueue) {
      ctx.report([...q.path, 'ComputeResources'], `${n} compute resources defined; a queue can have at most ${LIMITS.computeResourcesPerQueue}`);
    }
  }
  if (total > LIMITS.computeResourcesPerCluster) {
    ctx.report(['Scheduling', 'SlurmQueues'], `${total} compute resources across all queues; a cluster can have at most ${LIMITS.computeResourcesPerCluster}`);
  }
  const batch = items(obj(ctx.config.Scheduling), 'AwsBatchQueues', ['Scheduling']);
  if (batch.length > LIMITS.awsBatchQueues) {
    ctx.report(['Scheduling', 'AwsBatchQueues'], `${batch.length} AWS Batch queues defined; at most ${LIMITS.awsBatchQueues} is supported`);
  }
  for (const q of batch) {
    const n = arr(q.value.ComputeResources).length;
    if (n > LIMITS.awsBatchComputeResources) {
      ctx.report([...q.path, 'ComputeResources'], `${n} compute resources defined; an AWS Batch queue supports at most ${LIMITS.awsBatchComputeResources}`);
    }
  }
  const pools = loginPools(ctx.config).length;
  if (pools > LIMITS.loginPools) {
    ctx.report(['LoginNodes', 'Pools'], `${pools} login node pools defined; at most ${LIMITS.loginPools} are supported`);
  }
};

const storageCounts: Rule = (ctx) => {
  const count = { ebs: 0, managedEfs: 0, existingEfs: 0, managedFsx: 0, existingFsx: 0, raid: 0 };
  for (const s of storages(ctx.config)) {
    const type = str(s.value.StorageType) as StorageType | undefined;
    if (!type || !(type in SETTINGS_KEY)) continue;
    const settings = obj(s.value[SETTINGS_KEY[type]]);
    switch (type) {
      case 'Ebs':
        count.ebs++;
        if (settings?.Raid !== undefined) count.raid++;
        break;
      case 'Efs':
        if (settings?.FileSystemId !== undefined) count.existingEfs++;
        else count.managedEfs++;
        break;
      case 'FsxLustre':
        if (settings?.FileSystemId !== undefined) count.existingFsx++;
        else count.managedFsx++;
        break;
      default:
        count.existingFsx++;
    }
  }
  const over = (n: number, max: number, what: string) => {
    if (n > max) ctx.report(['SharedStorage'], `${n} ${what} defined; at most ${max} allowed`);
  };
  over(count.ebs, LIMITS.ebs, 'Ebs shared storages');
  over(count.raid, LIMITS.raid, 'Ebs RAID arrays');
  over(count.managedEfs, LIMITS.managedEfs, 'new (managed) Efs file systems');
  over(count.existingEfs, LIMITS.existingEfs, 'existing Efs file systems');
  over(count.managedFsx, LIMITS.managedFsx, 'new (managed) FsxLustre file systems');
  over(count.existingFsx, LIMITS.existingFsx, 'existing FSx file systems and file caches (FsxLustre, FsxOntap, FsxOpenZfs, FileCache together)');
};

const tagCounts: Rule = (ctx) => {
  const clusterTags = arr(ctx.config.Tags).length;
  for (const q of slurmQueues(ctx.config)) {
    const queueTags = arr(q.value.Tags).length;
    for (const cr of computeResources(q)) {
      const n = clusterTags + queueTags + arr(dig(cr.value, 'Tags')).length;
      if (n > 40) {
        ctx.report([...cr.path, 'Tags'], `cluster, queue and compute resource tags add up to ${n}; at most 40 are allowed (ParallelCluster adds its own on top)`);
      }
    }
  }
};

export const countRules: readonly Rule[] = [queueCounts, storageCounts, tagCounts];
