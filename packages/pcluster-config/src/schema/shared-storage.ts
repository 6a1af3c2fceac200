import { Type } from '@sinclair/typebox';
import {
  Bool, EfsId, Enum, FsxLustreId, Id, Int, IntEnum, List, MountDir, Obj, Opt, Str, VOLUME_TYPES,
} from './common.js';

export const STORAGE_TYPES = ['Ebs', 'Efs', 'FsxLustre', 'FsxOntap', 'FsxOpenZfs', 'FileCache'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];
/** The settings block that belongs to each `StorageType`. */
export const SETTINGS_KEY: Readonly<Record<StorageType, string>> = {
  Ebs: 'EbsSettings',
  Efs: 'EfsSettings',
  FsxLustre: 'FsxLustreSettings',
  FsxOntap: 'FsxOntapSettings',
  FsxOpenZfs: 'FsxOpenZfsSettings',
  FileCache: 'FileCacheSettings',
};

/** Per-unit storage throughput (MB/s/TiB) that FSx for Lustre accepts, by storage and deployment type. */
export const FSX_SSD_THROUGHPUT: Readonly<Record<string, readonly number[]>> = {
  PERSISTENT_1: [50, 100, 200],
  PERSISTENT_2: [125, 250, 500, 1000],
};
export const FSX_HDD_THROUGHPUT: readonly number[] = [12, 40];

const EbsSettings = Obj({
  VolumeType: Opt(Enum(VOLUME_TYPES)),
  Iops: Opt(Int({ minimum: 0 })),
  Size: Opt(Int({ minimum: 1 })),
  Encrypted: Opt(Bool()),
  KmsKeyId: Opt(Str()),
  Throughput: Opt(Int({ minimum: 0 })),
  SnapshotId: Opt(Id('snap-[0-9a-z]{8}|snap-[0-9a-z]{17}', 'an EBS snapshot id (snap-...)')),
  VolumeId: Opt(Id('vol-[0-9a-z]{8}|vol-[0-9a-z]{17}', 'an EBS volume id (vol-...)')),
  Raid: Opt(Obj({ Type: IntEnum([0, 1]), NumberOfVolumes: Opt(Int({ minimum: 2, maximum: 5 })) })),
  DeletionPolicy: Opt(Enum(['Delete', 'Retain', 'Snapshot'])),
});

const EfsSettings = Obj({
  Encrypted: Opt(Bool()),
  KmsKeyId: Opt(Str()),
  PerformanceMode: Opt(Enum(['generalPurpose', 'maxIO'])),
  ThroughputMode: Opt(Enum(['provisioned', 'bursting'])),
  ProvisionedThroughput: Opt(Int({ minimum: 1, maximum: 1024 })),
  FileSystemId: Opt(EfsId()),
  DeletionPolicy: Opt(Enum(['Delete', 'Retain'])),
  EncryptionInTransit: Opt(Bool()),
  IamAuthorization: Opt(Bool()),
  AccessPointId: Opt(Id('fsap-[0-9a-z]{17}', 'an EFS access point id (fsap- followed by 17 characters)')),
});

const DRA_EVENTS = () => List(Enum(['NEW', 'CHANGED', 'DELETED']), { maxItems: 3 });
/** A data repository association (3.8+, managed PERSISTENT_2 file systems only). */
const DataRepositoryAssociation = Obj({
  Name: Str(),
  BatchImportMetaDataOnCreate: Opt(Bool()),
  DataRepositoryPath: Str(),
  FileSystemPath: Type.String({ pattern: '^[^\\u0000\\u0085\\u2028\\u2029\\r\\n]{1,4096}$', hint: 'a path inside the file system such as /ns1 (1-4096 characters, no line breaks)' }),
  ImportedFileChunkSize: Opt(Int({ minimum: 1, maximum: 512000 })),
  AutoExportPolicy: Opt(DRA_EVENTS()),
  AutoImportPolicy: Opt(DRA_EVENTS()),
});

const FsxLustreSettings = Obj({
  StorageCapacity: Opt(Int({ minimum: 1 })),
  DeploymentType: Opt(Enum(['SCRATCH_1', 'SCRATCH_2', 'PERSISTENT_1', 'PERSISTENT_2'])),
  ImportedFileChunkSize: Opt(Int({ minimum: 1, maximum: 512000 })),
  DataCompressionType: Opt(Enum(['LZ4'])),
  ExportPath: Opt(Str()),
  ImportPath: Opt(Str()),
  WeeklyMaintenanceStartTime: Opt(
    Type.String({ pattern: '^[1-7]:([01]\\d|2[0-3]):([0-5]\\d)$', hint: 'd:HH:MM with d = 1 (Monday) to 7' }),
  ),
  AutomaticBackupRetentionDays: Opt(Int({ minimum: 0, maximum: 90 })),
  CopyTagsToBackups: Opt(Bool()),
  DailyAutomaticBackupStartTime: Opt(Type.String({ pattern: '^([01]\\d|2[0-3]):([0-5]\\d)$', hint: 'HH:MM' })),
  PerUnitStorageThroughput: Opt(Int({ minimum: 1 })),
  BackupId: Opt(Id('backup-[0-9a-f]{8,}', 'an FSx backup id (backup-...)')),
  KmsKeyId: Opt(Str()),
  FileSystemId: Opt(FsxLustreId()),
  AutoImportPolicy: Opt(Enum(['NEW', 'NEW_CHANGED', 'NEW_CHANGED_DELETED'])),
  DriveCacheType: Opt(Enum(['READ', 'NONE'])),
  StorageType: Opt(Enum(['SSD', 'HDD'])),
  DeletionPolicy: Opt(Enum(['Delete', 'Retain'])),
  DataRepositoryAssociations: Opt(List(DataRepositoryAssociation)),
});

const fsxVolumeId = () => Id('fsvol-[0-9a-z]{17}', 'an FSx volume id (fsvol- followed by 17 characters)');

export const SharedStorageItemSchema = Obj({
  Name: Str(),
  StorageType: Enum(STORAGE_TYPES),
  MountDir: MountDir(),
  EbsSettings: Opt(EbsSettings),
  EfsSettings: Opt(EfsSettings),
  FsxLustreSettings: Opt(FsxLustreSettings),
  FsxOntapSettings: Opt(Obj({ VolumeId: fsxVolumeId() })),
  FsxOpenZfsSettings: Opt(Obj({ VolumeId: fsxVolumeId() })),
  FileCacheSettings: Opt(Obj({ FileCacheId: Id('fc-[0-9a-z]{17}', 'a File Cache id (fc- followed by 17 characters)') })),
});
