/** What each ParallelCluster line supports, as far as this product uses it (research pcluster.md §1.1, §2). */
export interface PclusterVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export function parsePclusterVersion(text: string): PclusterVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

function atLeast(v: PclusterVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** `Custom::PclusterCluster` exists from 3.6.0; `MungeKeySecretArn`, which shares one munge key, from 3.8.0. */
export const MIN_V3 = { major: 3, minor: 8 } as const;
export const LEGACY_MINORS = [10, 11] as const;

/**
 * Operating systems with an official ParallelCluster AMI that mounts FSx for Lustre (this product always does),
 * for the given version; rocky* need a custom AMI and ubuntu2404 has no Lustre client in the official AMI.
 */
export function supportedOses(v: PclusterVersion): string[] {
  if (v.major === 2) return v.minor >= 11 ? ['alinux2', 'centos7', 'ubuntu1804', 'ubuntu2004'] : ['alinux2', 'centos7', 'ubuntu1804'];
  const oses = ['rhel8', 'ubuntu2204'];
  // As pcluster-config's OS_RELEASES (ParallelCluster's changelog): Amazon Linux 2023 from 3.10.0.
  if (atLeast(v, 3, 10)) oses.push('alinux2023');
  if (atLeast(v, 3, 9)) oses.push('rhel9');
  if (!atLeast(v, 3, 14)) oses.push('ubuntu2004');
  oses.push('alinux2');
  return oses.sort();
}

/** Queue and compute-resource limits per cluster. */
export function clusterLimits(v: PclusterVersion): { queues: number; computeResourcesPerQueue: number; computeResourcesPerCluster: number } {
  if (v.major === 2) return { queues: 5, computeResourcesPerQueue: 3, computeResourcesPerCluster: 15 };
  return { queues: 50, computeResourcesPerQueue: 50, computeResourcesPerCluster: 50 };
}
