/**
 * Updates the resource specification lets through but the service itself refuses at deploy time: CloudFormation
 * tries the update in place and the stack rolls back. Each names its source.
 */
import { isRec, type Rec } from './assembly.js';

export interface RefusedInPlace {
  readonly path: string;
  readonly why: string;
}

type Rule = (oldProps: Rec, newProps: Rec) => RefusedInPlace | undefined;

const lustre = (p: Rec) => p.FileSystemType === 'LUSTRE';

const RULES: Readonly<Record<string, readonly Rule[]>> = {
  'AWS::FSx::FileSystem': [
    // FSx UpdateFileSystem has no storage-type parameter for Lustre (only Windows/OpenZFS may switch): a new
    // file system is the only way. Source: Amazon FSx API Reference, UpdateFileSystemLustreConfiguration.
    (o, n) =>
      lustre(o) && (o.StorageType ?? 'SSD') !== (n.StorageType ?? 'SSD')
        ? { path: 'StorageType', why: `FSx for Lustre cannot change its storage type in place (${String(o.StorageType ?? 'SSD')} → ${String(n.StorageType ?? 'SSD')})` }
        : undefined,
    // Storage capacity only grows. Source: Amazon FSx for Lustre User Guide, "Managing storage capacity".
    (o, n) =>
      typeof o.StorageCapacity === 'number' && typeof n.StorageCapacity === 'number' && n.StorageCapacity < o.StorageCapacity
        ? { path: 'StorageCapacity', why: `FSx storage capacity only grows (${o.StorageCapacity} → ${n.StorageCapacity} GiB)` }
        : undefined,
  ],
};

export function refusedInPlace(type: string, oldProps: unknown, newProps: unknown): RefusedInPlace[] {
  const rules = RULES[type];
  if (!rules || !isRec(oldProps) || !isRec(newProps)) return [];
  return rules.map((r) => r(oldProps, newProps)).filter((r): r is RefusedInPlace => r !== undefined);
}
