import { AmiId, Enum, Obj, Opt } from './common.js';

/** Every `Image.Os` value some 3.x release accepted; which release accepts which is in OS_RELEASES. */
export const V3_OSES = ['alinux2', 'alinux2023', 'ubuntu2004', 'ubuntu2204', 'ubuntu2404', 'rhel8', 'rocky8', 'rhel9', 'rocky9'] as const;
export type V3Os = (typeof V3_OSES)[number];

/** The ParallelCluster release this package mirrors when no version is given. */
export const DEFAULT_PCLUSTER_VERSION = '3.16.3';

/**
 * First 3.x release that accepts the OS, and the first that no longer does, each checked against ParallelCluster's
 * CHANGELOG ("Add support for ..." lines): Ubuntu 22 in 3.7.0, RHEL8 in 3.6.0, Rocky 8 in 3.8.0, RHEL9 and Rocky 9 in
 * 3.9.0, Amazon Linux 2023 in 3.10.0, Ubuntu 24.04 in 3.13.0; Ubuntu 20.04 dropped in 3.14.0. alinux2 is still
 * accepted by 3.14 and, as far as the changelog and docs available here say, by 3.15 and 3.16 (no removal is
 * announced); it gets an end-of-life warning instead.
 */
export const OS_RELEASES: Readonly<Record<V3Os, readonly [string, string | undefined]>> = {
  alinux2: ['3.0.0', undefined],
  alinux2023: ['3.10.0', undefined],
  ubuntu2004: ['3.0.0', '3.14.0'],
  ubuntu2204: ['3.7.0', undefined],
  ubuntu2404: ['3.13.0', undefined],
  rhel8: ['3.6.0', undefined],
  rocky8: ['3.8.0', undefined],
  rhel9: ['3.9.0', undefined],
  rocky9: ['3.9.0', undefined],
};

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** Why `os` is not available in ParallelCluster `version`, or undefined when it is. */
export function osUnavailable(os: string, version: string): string | undefined {
  const window = OS_RELEASES[os as V3Os];
  if (!window) return undefined;
  if (compareVersions(version, window[0]) < 0) return `${os} needs ParallelCluster ${window[0]} or later, not ${version}`;
  if (window[1] && compareVersions(version, window[1]) >= 0) return `${os} was removed in ParallelCluster ${window[1]}; ${version} does not support it`;
  return undefined;
}

export const ImageSchema = Obj({ Os: Enum(V3_OSES), CustomAmi: Opt(AmiId()) });
