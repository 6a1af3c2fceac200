import {
  FSX_HDD_THROUGHPUT, FSX_SSD_THROUGHPUT, SETTINGS_KEY, STORAGE_TYPES, type StorageType,
} from '../schema/shared-storage.js';
import type { PathSegment } from '../issues.js';
import { arr, num, obj, slurmQueues, storages, str, type Located, type Rec, type Rule } from './context.js';

/** Directories the node OS or ParallelCluster own; mounting over them breaks the node. */
export const RESERVED_MOUNT_DIRS = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/media', '/mnt', '/opt', '/opt/parallelcluster',
  '/opt/parallelcluster/shared', '/opt/parallelcluster/shared_login_nodes', '/opt/slurm', '/opt/intel', '/proc',
  '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var',
];

/** `efs`, `/efs/` and `/efs` name the same directory. */
export function normaliseMountDir(dir: string): string {
  const withSlash = dir.startsWith('/') ? dir : `/${dir}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

const settingsBlocks: Rule = (ctx) => {
  for (const s of storages(ctx.config)) {
    const type = str(s.value.StorageType) as StorageType | undefined;
    if (!type || !STORAGE_TYPES.includes(type)) continue;
    const expected = SETTINGS_KEY[type];
    for (const other of Object.values(SETTINGS_KEY)) {
      if (other !== expected && s.value[other] !== undefined) {
        ctx.report([...s.path, other], `${other} does not belong to StorageType ${type}; use ${expected} (one settings block per storage)`, 'error', true);
      }
    }
    if ((type === 'FsxOntap' || type === 'FsxOpenZfs' || type === 'FileCache') && s.value[expected] === undefined) {
      ctx.report([...s.path, expected], `StorageType ${type} needs ${expected} naming the existing ${type === 'FileCache' ? 'file cache' : 'volume'}`);
    }
  }
};

const mountDirs: Rule = (ctx) => {
  const seen: { dir: string; path: PathSegment[] }[] = [];
  for (const s of storages(ctx.config)) {
    const raw = str(s.value.MountDir);
    if (raw === undefined) continue;
    const path = [...s.path, 'MountDir'];
    const dir = normaliseMountDir(raw);
    if (/^\/NONE$/.test(dir)) {
      ctx.report(path, `"${raw}" cannot be used as a mount directory`);
      continue;
    }
    if (RESERVED_MOUNT_DIRS.includes(dir)) {
      ctx.report(path, `"${raw}" is a reserved system or ParallelCluster directory; choose another mount directory such as /shared`);
    }
    if (dir === '/home' && str(s.value.StorageType) === 'FileCache') {
      ctx.report(path, 'a FileCache cannot be mounted on /home');
    }
    for (const prev of seen) {
      if (prev.dir === dir) {
        ctx.report(path, `mount directory "${raw}" is already used by ${fmt(prev.path)}`);
      } else if (dir.startsWith(`${prev.dir}/`) || prev.dir.startsWith(`${dir}/`)) {
        const [outer, inner] = dir.startsWith(`${prev.dir}/`) ? [prev.dir, dir] : [dir, prev.dir];
        ctx.report(path, `mount directory "${raw}" overlaps ${fmt(prev.path)}: ${inner} lies inside ${outer}, so one file system would hide the other`);
      }
    }
    seen.push({ dir, path });
  }
};

const fmt = (p: PathSegment[]) => p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');

const ID_KEYS: Partial<Record<StorageType, string>> = {
  Ebs: 'VolumeId',
  Efs: 'FileSystemId',
  FsxLustre: 'FileSystemId',
  FsxOntap: 'VolumeId',
  FsxOpenZfs: 'VolumeId',
  FileCache: 'FileCacheId',
};

const duplicateIds: Rule = (ctx) => {
  const seen = new Map<string, PathSegment[]>();
  for (const s of storages(ctx.config)) {
    const type = str(s.value.StorageType) as StorageType | undefined;
    if (!type || !ID_KEYS[type]) continue;
    const key = ID_KEYS[type]!;
    const id = str(obj(s.value[SETTINGS_KEY[type]])?.[key]);
    if (id === undefined) continue;
    const path = [...s.path, SETTINGS_KEY[type], key];
    const first = seen.get(id);
    if (first) ctx.report(path, `"${id}" is already mounted by ${fmt(first)}; each file system or volume may appear once`);
    else seen.set(id, path);
  }
};

const EFS_MANAGED_ONLY = ['Encrypted', 'KmsKeyId', 'PerformanceMode', 'ThroughputMode', 'ProvisionedThroughput', 'DeletionPolicy'];

function efsRules(s: Located<Rec>, report: (p: PathSegment[], m: string) => void): void {
  const efs = obj(s.value.EfsSettings);
  if (!efs) return;
  const base = [...s.path, 'EfsSettings'];
  if (efs.FileSystemId !== undefined) {
    for (const k of EFS_MANAGED_ONLY) {
      if (efs[k] !== undefined) report([...base, k], `${k} only applies when ParallelCluster creates the file system; remove it or remove FileSystemId`);
    }
  }
  const mode = str(efs.ThroughputMode);
  if (mode === 'provisioned' && efs.ProvisionedThroughput === undefined) {
    report([...base, 'ProvisionedThroughput'], 'ThroughputMode provisioned needs ProvisionedThroughput (MiB/s)');
  }
  if (mode !== 'provisioned' && efs.ProvisionedThroughput !== undefined) {
    report([...base, 'ThroughputMode'], 'ProvisionedThroughput needs ThroughputMode: provisioned');
  }
  if (efs.AccessPointId !== undefined) {
    if (efs.FileSystemId === undefined) report([...base, 'AccessPointId'], 'AccessPointId needs the FileSystemId it belongs to');
    if (efs.EncryptionInTransit !== true) report([...base, 'EncryptionInTransit'], 'an EFS access point needs EncryptionInTransit: true');
  }
}

const SCRATCH = ['SCRATCH_1', 'SCRATCH_2'];

function fsxRules(s: Located<Rec>, report: (p: PathSegment[], m: string) => void): void {
  const fsx = obj(s.value.FsxLustreSettings);
  if (!fsx) return;
  const base = [...s.path, 'FsxLustreSettings'];
  if (fsx.FileSystemId !== undefined) {
    for (const k of Object.keys(fsx)) {
      if (k !== 'FileSystemId') report([...base, k], `${k} cannot be set together with FileSystemId: an existing FSx for Lustre file system is mounted as is`);
    }
    return;
  }
  const type = str(fsx.DeploymentType) ?? 'SCRATCH_2';
  const storage = str(fsx.StorageType) ?? 'SSD';
  const throughput = num(fsx.PerUnitStorageThroughput);
  if (storage === 'HDD' && type !== 'PERSISTENT_1') {
    report([...base, 'StorageType'], `StorageType HDD needs DeploymentType PERSISTENT_1, got ${type}`);
  }
  if (SCRATCH.includes(type)) {
    if (throughput !== undefined) report([...base, 'PerUnitStorageThroughput'], `PerUnitStorageThroughput does not apply to ${type}; remove it or use a PERSISTENT deployment type`);
    for (const k of ['AutomaticBackupRetentionDays', 'DailyAutomaticBackupStartTime', 'CopyTagsToBackups']) {
      if (fsx[k] !== undefined) report([...base, k], `${k} needs a PERSISTENT deployment type; ${type} file systems have no backups`);
    }
  } else {
    const allowed = storage === 'HDD' ? FSX_HDD_THROUGHPUT : (FSX_SSD_THROUGHPUT[type] ?? []);
    if (throughput === undefined) {
      report([...base, 'PerUnitStorageThroughput'], `${type} (${storage}) needs PerUnitStorageThroughput, one of ${allowed.join(', ')}`);
    } else if (!allowed.includes(throughput)) {
      report([...base, 'PerUnitStorageThroughput'], `${throughput} is not valid for ${type} with ${storage} storage; use one of ${allowed.join(', ')}`);
    }
  }
  if (fsx.DriveCacheType !== undefined && storage !== 'HDD') {
    report([...base, 'DriveCacheType'], 'DriveCacheType only applies to StorageType HDD');
  }
  if ((fsx.AutoImportPolicy !== undefined || fsx.ExportPath !== undefined) && fsx.ImportPath === undefined) {
    report([...base, fsx.AutoImportPolicy !== undefined ? 'AutoImportPolicy' : 'ExportPath'], 'needs ImportPath (the S3 location linked to the file system)');
  }
  const capacity = num(fsx.StorageCapacity);
  if (capacity === undefined) {
    if (fsx.BackupId === undefined) report([...base, 'StorageCapacity'], 'a new FSx for Lustre file system needs StorageCapacity (GiB), or FileSystemId to use an existing one');
  } else if (storage === 'SSD') {
    const step = type === 'SCRATCH_1' ? 3600 : 2400;
    if (!(capacity === 1200 || capacity === 2400 || capacity % step === 0)) {
      report([...base, 'StorageCapacity'], `${capacity} GiB is not valid for ${type}: use 1200, 2400 or a multiple of ${step}`);
    }
  } else if (throughput !== undefined) {
    const step = throughput === 12 ? 6000 : 1800;
    if (capacity % step !== 0) report([...base, 'StorageCapacity'], `${capacity} GiB is not valid for HDD at ${throughput} MB/s/TiB: use a multiple of ${step}`);
  }
}

const settingsRules: Rule = (ctx) => {
  const report = (p: PathSegment[], m: string) => ctx.report(p, m);
  for (const s of storages(ctx.config)) {
    efsRules(s, report);
    fsxRules(s, report);
  }
};

const managedFsxMultiAz: Rule = (ctx) => {
  const managed = storages(ctx.config).find(
    (s) => str(s.value.StorageType) === 'FsxLustre' && obj(s.value.FsxLustreSettings)?.FileSystemId === undefined,
  );
  if (!managed) return;
  for (const q of slurmQueues(ctx.config)) {
    if (arr(obj(q.value.Networking)?.SubnetIds).length > 1) {
      ctx.report([...q.path, 'Networking', 'SubnetIds'], `a new FSx for Lustre file system (${fmt(managed.path)}) lives in one Availability Zone and cannot serve a queue spread over several subnets; use an existing file system (FileSystemId) or one subnet`);
    }
  }
};

export const storageRules: readonly Rule[] = [settingsBlocks, mountDirs, duplicateIds, settingsRules, managedFsxMultiAz];
