import type { PathSegment } from '../issues.js';
import { osUnavailable } from '../schema/image.js';
import {
  arr, dig, loginPools, num, obj, scheduler, slurmQueues, storages, str, type Rec, type Rule, type RuleContext,
} from './context.js';

interface NodeGroup {
  value: Rec;
  path: PathSegment[];
  networking: Rec | undefined;
  customActions: Rec | undefined;
  iam: Rec | undefined;
  rootVolume: { value: Rec | undefined; path: PathSegment[] };
}

function nodeGroups(c: Rec): NodeGroup[] {
  const out: NodeGroup[] = [];
  const head = obj(c.HeadNode);
  if (head) {
    out.push({
      value: head,
      path: ['HeadNode'],
      networking: obj(head.Networking),
      customActions: obj(head.CustomActions),
      iam: obj(head.Iam),
      rootVolume: { value: obj(dig(head, 'LocalStorage', 'RootVolume')), path: ['HeadNode', 'LocalStorage', 'RootVolume'] },
    });
  }
  for (const q of slurmQueues(c)) {
    out.push({
      value: q.value,
      path: q.path,
      networking: obj(q.value.Networking),
      customActions: obj(q.value.CustomActions),
      iam: obj(q.value.Iam),
      rootVolume: {
        value: obj(dig(q.value, 'ComputeSettings', 'LocalStorage', 'RootVolume')),
        path: [...q.path, 'ComputeSettings', 'LocalStorage', 'RootVolume'],
      },
    });
  }
  for (const p of loginPools(c)) {
    out.push({
      value: p.value,
      path: p.path,
      networking: obj(p.value.Networking),
      customActions: obj(p.value.CustomActions),
      iam: obj(p.value.Iam),
      rootVolume: { value: undefined, path: [] },
    });
  }
  return out;
}

const exclusivity: Rule = (ctx) => {
  for (const g of nodeGroups(ctx.config)) {
    if (g.networking?.SecurityGroups !== undefined && g.networking.AdditionalSecurityGroups !== undefined) {
      ctx.report([...g.path, 'Networking', 'AdditionalSecurityGroups'], 'SecurityGroups and AdditionalSecurityGroups cannot both be set: SecurityGroups replaces the groups ParallelCluster creates, AdditionalSecurityGroups adds to them', 'error', true);
    }
    const iam = g.iam;
    if (!iam) continue;
    const set = ['InstanceRole', 'InstanceProfile', 'AdditionalIamPolicies'].filter((k) => iam[k] !== undefined);
    if (set.length > 1) {
      ctx.report([...g.path, 'Iam', set[1]!], `${set.join(' and ')} cannot be combined: give either an instance role, an instance profile, or additional policies for the role ParallelCluster creates`, 'error', true);
    }
    if (iam.S3Access !== undefined && (iam.InstanceRole !== undefined || iam.InstanceProfile !== undefined)) {
      ctx.report([...g.path, 'Iam', 'S3Access'], 'S3Access only applies to the role ParallelCluster creates; grant S3 access in your InstanceRole/InstanceProfile instead', 'error', true);
    }
  }
};

function checkAction(ctx: RuleContext, action: Rec, path: PathSegment[]): void {
  const hasScript = action.Script !== undefined;
  const hasSeq = action.Sequence !== undefined;
  if (hasScript && hasSeq) {
    ctx.report([...path, 'Sequence'], 'Script and Sequence cannot both be set: use Script for one script, Sequence for several', 'error', true);
  } else if (!hasScript && !hasSeq) {
    ctx.report([...path, 'Script'], 'a custom action needs Script (an s3:// or https:// URL) or Sequence');
  }
  if (hasSeq && action.Args !== undefined) {
    ctx.report([...path, 'Args'], 'Args belongs to each Sequence entry, not next to Sequence', 'error', true);
  }
}

const customActions: Rule = (ctx) => {
  for (const g of nodeGroups(ctx.config)) {
    for (const [event, action] of Object.entries(g.customActions ?? {})) {
      const a = obj(action);
      if (a) checkAction(ctx, a, [...g.path, 'CustomActions', event]);
    }
  }
};

const imdsAndOs: Rule = (ctx) => {
  const s = scheduler(ctx.config);
  const os = str(dig(ctx.config, 'Image', 'Os'));
  // HeadNodeImdsValidator: Secured defaults to true, so an awsbatch cluster must switch it off explicitly.
  const secured = dig(ctx.config, 'HeadNode', 'Imds', 'Secured');
  if (s === 'awsbatch' && secured !== false && obj(ctx.config.HeadNode)) {
    ctx.report(['HeadNode', 'Imds', 'Secured'], secured === undefined
      ? 'Imds.Secured defaults to true, which is only supported with Scheduler slurm; set HeadNode.Imds.Secured: false for awsbatch'
      : 'Imds.Secured is only supported with Scheduler slurm; set it to false for awsbatch');
  }
  if (s === 'awsbatch' && os !== undefined && os !== 'alinux2' && os !== 'alinux2023') {
    ctx.report(['Image', 'Os'], `Scheduler awsbatch only runs on alinux2 or alinux2023, not ${os}`);
  }
  const unavailable = os === undefined ? undefined : osUnavailable(os, ctx.version);
  if (unavailable) ctx.report(['Image', 'Os'], unavailable);
  if (os === 'rocky8' || os === 'rocky9') {
    const anyAmi = dig(ctx.config, 'Image', 'CustomAmi') !== undefined;
    if (!anyAmi) {
      ctx.report(['Image', 'CustomAmi'], `ParallelCluster publishes no official ${os} AMI; build one with "pcluster build-image" and set Image.CustomAmi`, 'warning');
    }
  }
  if (os === 'alinux2') {
    ctx.report(['Image', 'Os'], 'Amazon Linux 2 reaches end of support on 2026-06-30; prefer alinux2023', 'warning');
  }
  if (os === 'ubuntu2404' && storages(ctx.config).some((st) => str(st.value.StorageType) === 'FsxLustre')) {
    ctx.report(['Image', 'Os'], 'ubuntu2404 AMIs shipped without a Lustre client in 3.13 and ParallelCluster rejected FsxLustre on them; check that your release supports it', 'warning');
  }
};

/** EBS volume-type limits (EbsVolumeIopsValidator, EbsVolumeThroughputValidator). */
const IOPS: Record<string, [number, number]> = { io1: [100, 64000], io2: [100, 256000], gp3: [3000, 16000] };

function volumeRules(ctx: RuleContext, v: Rec, path: PathSegment[]): void {
  const type = str(v.VolumeType) ?? 'gp3';
  const iops = num(v.Iops);
  if (iops !== undefined) {
    const range = IOPS[type];
    if (!range) ctx.report([...path, 'Iops'], `Iops cannot be set for VolumeType ${type}; only io1, io2 and gp3 take it`);
    else if (iops < range[0] || iops > range[1]) ctx.report([...path, 'Iops'], `${iops} is outside ${range[0]}-${range[1]}, the Iops range of ${type}`);
  } else if (type === 'io1' || type === 'io2') {
    ctx.report([...path, 'Iops'], `VolumeType ${type} needs Iops`);
  }
  const tp = num(v.Throughput);
  if (tp !== undefined) {
    if (type !== 'gp3') ctx.report([...path, 'Throughput'], `Throughput only applies to gp3 volumes, not ${type}`);
    else if (tp < 125 || tp > 1000) ctx.report([...path, 'Throughput'], `${tp} is outside 125-1000 MiB/s, the gp3 throughput range`);
  }
}

const volumes: Rule = (ctx) => {
  const encryption: { encrypted: boolean; path: PathSegment[] }[] = [];
  for (const g of nodeGroups(ctx.config)) {
    const rv = g.rootVolume.value;
    if (rv) volumeRules(ctx, rv, g.rootVolume.path);
    if (g.rootVolume.path.length) encryption.push({ encrypted: rv?.Encrypted !== false, path: [...g.rootVolume.path, 'Encrypted'] });
  }
  for (const s of storages(ctx.config)) {
    const ebs = obj(s.value.EbsSettings);
    if (ebs && str(s.value.StorageType) === 'Ebs') volumeRules(ctx, ebs, [...s.path, 'EbsSettings']);
  }
  const plain = encryption.filter((e) => !e.encrypted);
  if (plain.length && plain.length < encryption.length) {
    for (const e of plain) ctx.report(e.path, 'this root volume is unencrypted while others in the cluster are encrypted; encrypt all or none', 'warning');
  }
};

const subnets: Rule = (ctx) => {
  for (const q of slurmQueues(ctx.config)) {
    const seen = new Set<string>();
    arr(dig(q.value, 'Networking', 'SubnetIds')).forEach((id, i) => {
      if (typeof id !== 'string') return;
      if (seen.has(id)) ctx.report([...q.path, 'Networking', 'SubnetIds', i], `subnet "${id}" is listed twice`);
      seen.add(id);
    });
  }
};

export const nodeRules: readonly Rule[] = [exclusivity, customActions, imdsAndOs, volumes, subnets];
