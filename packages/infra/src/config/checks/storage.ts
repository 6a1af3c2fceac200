import type { FsxDeploymentType, RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import type { Report } from './report.js';

const THROUGHPUT: Readonly<Record<FsxDeploymentType, readonly number[]>> = {
  SCRATCH_1: [],
  SCRATCH_2: [],
  PERSISTENT_1: [50, 100, 200],
  PERSISTENT_2: [125, 250, 500, 1000],
};

/** The capacity steps FSx for Lustre accepts for SSD storage: 1200, 2400, then multiples of 2400 (3600 for SCRATCH_1). */
function capacityProblem(type: FsxDeploymentType, gib: number): string | undefined {
  const step = type === 'SCRATCH_1' ? 3600 : 2400;
  if (gib === 1200 || gib === 2400 || (gib > 0 && gib % step === 0)) return undefined;
  const below = gib < 1200 ? 1200 : gib < 2400 ? 2400 : Math.floor(gib / step) * step;
  const above = gib < 1200 ? 1200 : gib < 2400 ? 2400 : below + step;
  return `${gib} GiB is not a valid ${type} capacity: use 1200, 2400 or a multiple of ${step} GiB (nearest: ${[...new Set([below, above])].join(' or ')})`;
}

export function fsxDeploymentType(c: DeploymentConfigFile, profile: RegionProfile | undefined): FsxDeploymentType {
  return c.storage.fsx.deploymentType ?? profile?.defaultFsxDeploymentType ?? 'PERSISTENT_2';
}

export function checkStorage(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const fsx = c.storage.fsx;
  const type = fsxDeploymentType(c, profile);
  if (profile && !profile.fsxDeploymentTypes.includes(type)) {
    r.error(
      ['storage', 'fsx', 'deploymentType'],
      `${type} does not exist in ${profile.region}; use one of ${profile.fsxDeploymentTypes.join(', ')}`,
    );
  }
  const capacity = capacityProblem(type, fsx.storageCapacityGiB);
  if (capacity) r.error(['storage', 'fsx', 'storageCapacityGiB'], capacity);
  const allowed = THROUGHPUT[type];
  if (fsx.perUnitStorageThroughput !== undefined) {
    if (allowed.length === 0) {
      r.error(['storage', 'fsx', 'perUnitStorageThroughput'], `${type} has no per-unit throughput setting; remove it or choose a PERSISTENT type`);
    } else if (!allowed.includes(fsx.perUnitStorageThroughput)) {
      r.error(
        ['storage', 'fsx', 'perUnitStorageThroughput'],
        `${fsx.perUnitStorageThroughput} MB/s/TiB is not valid for ${type}; use one of ${allowed.join(', ')}`,
      );
    }
  }
}

export function defaultThroughput(type: FsxDeploymentType): number | undefined {
  return THROUGHPUT[type][0];
}
