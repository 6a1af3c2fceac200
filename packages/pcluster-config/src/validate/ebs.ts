/** EBS size and throughput/IOPS limits (EbsVolumeTypeSizeValidator, EbsVolumeThroughputIopsValidator). */
import type { PathSegment } from '../issues.js';
import { dig, num, obj, slurmQueues, storages, str, type Rec, type Rule, type RuleContext } from './context.js';

/** Size bounds in GiB per volume type, as ParallelCluster checks them. */
export const EBS_SIZE_GIB: Readonly<Record<string, readonly [number, number]>> = {
  standard: [1, 1024],
  io1: [4, 16 * 1024],
  io2: [4, 64 * 1024],
  gp2: [1, 16 * 1024],
  gp3: [1, 16 * 1024],
  st1: [500, 16 * 1024],
  sc1: [500, 16 * 1024],
};
/** gp3 gives at most 0.25 MiB/s of throughput per provisioned IOPS; 3000 IOPS when Iops is not set. */
export const GP3_THROUGHPUT_PER_IOPS = 0.25;
export const GP3_DEFAULT_IOPS = 3000;

function checkVolume(ctx: RuleContext, v: Rec, path: PathSegment[]): void {
  const type = str(v.VolumeType) ?? 'gp3';
  const size = num(v.Size);
  const bounds = EBS_SIZE_GIB[type];
  if (size !== undefined && bounds) {
    if (size > bounds[1]) ctx.report([...path, 'Size'], `${type} volumes can be at most ${bounds[1]} GiB, not ${size}`);
    else if (size < bounds[0]) ctx.report([...path, 'Size'], `${type} volumes must be at least ${bounds[0]} GiB, not ${size}`);
  }
  const throughput = num(v.Throughput);
  if (type === 'gp3' && throughput !== undefined) {
    const iops = num(v.Iops) ?? GP3_DEFAULT_IOPS;
    if (throughput > iops * GP3_THROUGHPUT_PER_IOPS) {
      ctx.report([...path, 'Throughput'], `Throughput ${throughput} MiB/s is more than ${GP3_THROUGHPUT_PER_IOPS} per IOPS allows with ${iops} IOPS${v.Iops === undefined ? ' (the gp3 default)' : ''}; raise Iops to at least ${Math.ceil(throughput / GP3_THROUGHPUT_PER_IOPS)} or lower Throughput`);
    }
  }
}

const ebsVolumes: Rule = (ctx) => {
  const head = obj(dig(ctx.config, 'HeadNode', 'LocalStorage', 'RootVolume'));
  if (head) checkVolume(ctx, head, ['HeadNode', 'LocalStorage', 'RootVolume']);
  for (const q of slurmQueues(ctx.config)) {
    const root = obj(dig(q.value, 'ComputeSettings', 'LocalStorage', 'RootVolume'));
    if (root) checkVolume(ctx, root, [...q.path, 'ComputeSettings', 'LocalStorage', 'RootVolume']);
  }
  for (const s of storages(ctx.config)) {
    const ebs = obj(s.value.EbsSettings);
    if (ebs && str(s.value.StorageType) === 'Ebs') checkVolume(ctx, ebs, [...s.path, 'EbsSettings']);
  }
};

export const ebsRules: readonly Rule[] = [ebsVolumes];
