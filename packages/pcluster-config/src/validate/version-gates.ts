/**
 * Keys that exist only in some 3.x releases. The schema accepts the union (the newest release), and this rule
 * gives an older or newer release its own verdict, the way OS_RELEASES does for `Image.Os`.
 */
import type { PathSegment } from '../issues.js';
import { compareVersions } from '../schema/image.js';
import { obj, type Rule } from './context.js';

export interface KeyRelease {
  /** Dotted path; `[]` stands for every item of a list. */
  readonly path: string;
  /** First release that accepts the key. */
  readonly since?: string;
  /** First release that refuses it again. */
  readonly until?: string;
  /** First release that still accepts it but warns that it is deprecated. */
  readonly deprecatedFrom?: string;
  /** What to do instead, quoted in the message. */
  readonly instead?: string;
}

/** From ParallelCluster's CHANGELOG and pull requests (each line names the release that added or removed the key). */
export const KEY_RELEASES: readonly KeyRelease[] = [
  { path: 'DirectoryService', since: '3.1.1' },
  { path: 'LoginNodes', since: '3.7.0' },
  {
    path: 'LoginNodes.Pools[].Ssh.KeyName', deprecatedFrom: '3.14.0', until: '3.15.0',
    instead: 'login nodes use the key pair of HeadNode.Ssh.KeyName',
  },
  { path: 'LoginNodes.Pools[].Ssh.AllowedIps', since: '3.11.0' },
  { path: 'LoginNodes.Pools[].CustomActions', since: '3.11.0' },
  { path: 'LoginNodes.Pools[].Dcv', since: '3.11.0' },
  { path: 'HeadNode.SharedStorageType', since: '3.8.0' },
  { path: 'Scheduling.ScalingStrategy', since: '3.8.0' },
  { path: 'Scheduling.SlurmSettings.MungeKeySecretArn', since: '3.8.0' },
  { path: 'Scheduling.SlurmSettings.Database', since: '3.3.0' },
  { path: 'Scheduling.SlurmSettings.Database.DatabaseName', since: '3.8.0' },
  { path: 'Scheduling.SlurmSettings.ExternalSlurmdbd', since: '3.10.0' },
  { path: 'Scheduling.SlurmQueues[].ComputeResources[].LaunchTemplateOverrides', since: '3.15.0' },
  { path: 'SharedStorage[].FsxLustreSettings.DataRepositoryAssociations', since: '3.8.0' },
  { path: 'SharedStorage[].EfsSettings.AccessPointId', since: '3.11.0' },
  { path: 'DeploymentSettings.DefaultUserHome', since: '3.9.0' },
  { path: 'DeploymentSettings.DisableSudoAccessForDefaultUser', since: '3.9.0' },
  { path: 'Monitoring.Alarms', since: '3.8.0' },
  { path: 'DevSettings.EfaInterfaceType', since: '3.15.0' },
];

/** Every place `pattern` names in `root`, with its path. */
export function locateAll(root: unknown, pattern: string): { value: unknown; path: PathSegment[] }[] {
  return locateParts(root, parsePattern(pattern));
}

type Part = { key: string; many: boolean };
const parsePattern = (pattern: string): Part[] =>
  pattern.split('.').map((part) => ({ key: part.replace(/\[\]$/, ''), many: part.endsWith('[]') }));

function locateParts(root: unknown, parts: readonly Part[]): { value: unknown; path: PathSegment[] }[] {
  let found: { value: unknown; path: PathSegment[] }[] = [{ value: root, path: [] }];
  for (const { key, many } of parts) {
    if (!found.length) break;
    found = found.flatMap(({ value, path }) => {
      const o = obj(value);
      if (!o || o[key] === undefined) return [];
      const next = o[key];
      if (!many) return [{ value: next, path: [...path, key] }];
      return Array.isArray(next) ? next.map((v, i) => ({ value: v, path: [...path, key, i] })) : [];
    });
  }
  return found;
}

const PARSED = KEY_RELEASES.map((k) => ({ k, parts: parsePattern(k.path) }));

const keyReleases: Rule = (ctx) => {
  for (const { k, parts } of PARSED) {
    for (const hit of locateParts(ctx.config, parts)) {
      const name = k.path.replace(/\[\]/g, '');
      const instead = k.instead ? `; ${k.instead}` : '';
      if (k.since && compareVersions(ctx.version, k.since) < 0) {
        ctx.report(hit.path, `${name} needs ParallelCluster ${k.since} or later, not ${ctx.version}`, 'error', true);
      } else if (k.until && compareVersions(ctx.version, k.until) >= 0) {
        ctx.report(hit.path, `${name} is no longer accepted from ParallelCluster ${k.until} (this config targets ${ctx.version}); remove it${instead}`, 'error', true);
      } else if (k.deprecatedFrom && compareVersions(ctx.version, k.deprecatedFrom) >= 0) {
        ctx.report(hit.path, `${name} is deprecated in ParallelCluster ${k.deprecatedFrom} and refused from ${k.until ?? 'a later release'}${instead}`, 'warning', true);
      }
    }
  }
};

export const versionGateRules: readonly Rule[] = [keyReleases];
