import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type ServerProcess } from '../process.js';
import { run, which, type Account } from './host.js';
import type { ServerCluster } from './daemons.js';

/** A new database: slurmdbd creates its tables before it answers (tens of seconds on a busy machine). */
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;

/** Where one cluster's slurmdbd keeps its records: a MySQL server, and the user and database db-bootstrap made. */
export interface AccountingStorage {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * slurmdbd.conf as ParallelCluster writes it on a head node (slurm_parallelcluster_slurmdbd.conf): slurmdbd on the head
 * node, MySQL storage, the cluster's own database and user. Slurm reads it from the directory of SLURM_CONF.
 */
export function slurmdbdConf(c: ServerCluster, storage: AccountingStorage, opts: { slurmUser: string; mungeSocket: string }): string {
  return `# The rehearsal's stand-in for ParallelCluster's slurmdbd.conf of cluster ${c.name}.
AuthType=auth/munge
AuthInfo=socket=${opts.mungeSocket}
DbdHost=${c.headHost}
DbdAddr=127.0.0.1
DbdPort=${c.dbdPort ?? 6819}
SlurmUser=${opts.slurmUser}
StorageType=accounting_storage/mysql
StorageHost=${storage.host}
StoragePort=${storage.port}
StorageUser=${storage.user}
StoragePass=${storage.password}
StorageLoc=${storage.database}
PidFile=${join(c.dir, 'run', 'slurmdbd.pid')}
LogFile=${join(c.dir, 'log', 'slurmdbd.log')}
DebugLevel=info
`;
}

/** Writes slurmdbd.conf next to the cluster's slurm.conf: 0600 and owned by SlurmUser, as slurmdbd requires. */
export function writeSlurmdbdConf(c: ServerCluster, text: string, slurmUser: Account): void {
  mkdirSync(c.dir, { recursive: true });
  const file = join(c.dir, 'slurmdbd.conf');
  writeFileSync(file, text, { mode: 0o600 });
  chownSync(file, slurmUser.uid, slurmUser.gid);
}

const env = (c: ServerCluster): NodeJS.ProcessEnv => ({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', SLURM_CONF: c.conf });

/** slurmdbd in the foreground, in a UTS namespace named like the head node (it runs only on its DbdHost). */
export async function startSlurmdbd(c: ServerCluster): Promise<ServerProcess> {
  const slurmdbd = which('slurmdbd');
  if (!slurmdbd) throw new Error("slurmdbd is not installed (CI installs Debian's slurmdbd)");
  let last = '';
  const answers = (): boolean => {
    const r = run(which('sacctmgr')!, ['-n', '-P', 'show', 'cluster', 'format=cluster'], { env: env(c), timeoutMs: 10_000 });
    last = `${r.stdout}${r.stderr}`.trim();
    return r.status === 0;
  };
  try {
    return await startServer({
    command: which('unshare')!,
    args: ['--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', c.headHost, slurmdbd, '-D'],
    env: env(c),
    // sacctmgr reaches slurmdbd through slurm.conf's AccountingStorageHost/Port, as the controller and sacct do.
    ready: answers,
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_GRACE_MS,
    logFile: join(c.dir, 'log', 'slurmdbd.log'),
    captureOutput: false,
    notReady: `slurmdbd of ${c.name} did not answer`,
    addressInUse: /Address already in use/i,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast sacctmgr answer: ${last}`, { cause: error });
  }
}

/** What the accounting rehearsal needs beyond the Slurm rehearsal's programs (Debian's slurmdbd and slurm-client). */
export function accountingMissing(): string[] {
  return ['slurmdbd', 'sacct', 'sacctmgr'].filter((p) => !which(p));
}
