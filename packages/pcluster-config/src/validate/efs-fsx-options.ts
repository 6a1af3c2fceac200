/** Mount and association options of EFS and FSx for Lustre (EfsMountOptionsValidator, FsxDraValidator). */
import { arr, obj, storages, str, type Rule } from './context.js';

export const MAX_DATA_REPOSITORY_ASSOCIATIONS = 8;

const efsMountOptions: Rule = (ctx) => {
  for (const s of storages(ctx.config)) {
    const efs = obj(s.value.EfsSettings);
    if (efs?.IamAuthorization === true && efs.EncryptionInTransit !== true) {
      ctx.report([...s.path, 'EfsSettings', 'IamAuthorization'], `IamAuthorization needs EncryptionInTransit: true (EFS IAM authorization runs over TLS); enable it or drop IamAuthorization for "${str(s.value.Name) ?? '?'}"`);
    }
  }
};

const fsxDataRepositoryAssociations: Rule = (ctx) => {
  for (const s of storages(ctx.config)) {
    const fsx = obj(s.value.FsxLustreSettings);
    if (!fsx || fsx.DataRepositoryAssociations === undefined) continue;
    const base = [...s.path, 'FsxLustreSettings'];
    const dras = arr(fsx.DataRepositoryAssociations);
    for (const k of ['ImportPath', 'ExportPath']) {
      if (fsx[k] !== undefined) ctx.report([...base, k], `${k} cannot be used together with DataRepositoryAssociations on one file system`, 'error', true);
    }
    if (dras.length > MAX_DATA_REPOSITORY_ASSOCIATIONS) {
      ctx.report([...base, 'DataRepositoryAssociations'], `${dras.length} data repository associations; a file system takes at most ${MAX_DATA_REPOSITORY_ASSOCIATIONS}`);
    }
    const type = str(fsx.DeploymentType) ?? 'SCRATCH_2';
    if (fsx.FileSystemId === undefined && type !== 'PERSISTENT_2') {
      ctx.report([...base, 'DataRepositoryAssociations'], `data repository associations need DeploymentType PERSISTENT_2, not ${type}`);
    }
  }
};

export const efsFsxOptionRules: readonly Rule[] = [efsMountOptions, fsxDataRepositoryAssociations];
