import { isDeployTimeValue } from '../deploy-time.js';
import { compareVersions } from '../schema/image.js';
import { CLUSTER_NAME_MAX_WITH_ACCOUNTING } from '../validate/names.js';
import type { ResolvedClusterSpec } from './cluster-spec.js';
import type { SpecProblem } from './errors.js';

/** ParallelCluster releases that added `SlurmSettings.Database` and its `DatabaseName` (CHANGELOG 3.3.0, 3.8.0). */
export const DATABASE_SINCE = '3.3.0';
export const DATABASE_NAME_SINCE = '3.8.0';

/** The database ParallelCluster's slurmdbd uses when DatabaseName is not given: the cluster name, `-` as `_`. */
export function defaultAccountingDatabase(clusterName: string): string {
  return clusterName.replace(/-/g, '_');
}

/** Whether the target release reads `Database.DatabaseName` (so the renderer writes it). */
export function rendersDatabaseName(version: string): boolean {
  return compareVersions(version, DATABASE_NAME_SINCE) >= 0;
}

/**
 * Problems with a URI the way ParallelCluster's DatabaseUriValidator parses it: no leading slash, no scheme, a host,
 * and a port (when given) that is a TCP port. Deploy-time hosts (`${Token[...]}:3306`) have only their port checked.
 */
export function databaseUriProblem(uri: string): string | undefined {
  if (uri.startsWith('/')) return `"${uri}" starts with "/"; give host:port`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(uri)) return `"${uri}" has a scheme; give host:port without mysql:// or similar`;
  const m = /^(.*?)(?::(\d+))?$/.exec(uri)!;
  const host = m[1]!;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return `port ${m[2]} is not a TCP port (1-65535)`;
  if (isDeployTimeValue(host)) return undefined;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) return `"${host}" is not a host name or IPv4 address`;
  return undefined;
}

/** The accounting rules of a spec, so that a spec with `slurmAccounting` renders a Database ParallelCluster accepts. */
export function accountingProblems(spec: ResolvedClusterSpec): SpecProblem[] {
  const a = spec.slurmAccounting;
  if (!a) return [];
  const out: SpecProblem[] = [];
  const version = spec.parallelclusterVersion;
  if (version.startsWith('2.')) return [{ path: 'slurmAccounting', message: 'ParallelCluster 2.x has no Slurm accounting setting (Scheduling.SlurmSettings.Database is 3.3.0+)' }];
  if (compareVersions(version, DATABASE_SINCE) < 0) {
    out.push({ path: 'slurmAccounting', message: `Scheduling.SlurmSettings.Database needs ParallelCluster ${DATABASE_SINCE} or later, not ${version}` });
  }
  const uriProblem = databaseUriProblem(a.uri);
  if (uriProblem) out.push({ path: 'slurmAccounting.uri', message: uriProblem });
  const fallback = defaultAccountingDatabase(spec.clusterName);
  if (a.databaseName !== undefined && !isDeployTimeValue(a.databaseName) && !rendersDatabaseName(version) && a.databaseName !== fallback) {
    out.push({
      path: 'slurmAccounting.databaseName',
      message: `DatabaseName needs ParallelCluster ${DATABASE_NAME_SINCE}; ${version} always uses "${fallback}" (the cluster name with - as _)`,
    });
  }
  if (a.databaseName === undefined && !/^[0-9a-z_]{1,64}$/.test(fallback)) {
    out.push({ path: 'clusterName', message: `the accounting database would be "${fallback}", which is not a valid name (^[0-9a-z_]{1,64}$); set slurmAccounting.databaseName` });
  }
  if (spec.clusterName.length > CLUSTER_NAME_MAX_WITH_ACCOUNTING) {
    out.push({ path: 'clusterName', message: `has ${spec.clusterName.length} characters; with Slurm accounting ParallelCluster allows at most ${CLUSTER_NAME_MAX_WITH_ACCOUNTING}` });
  }
  return out;
}
