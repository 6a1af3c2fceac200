import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { startServer, type ServerProcess } from '../process.js';
import { run, which, type Account } from './host.js';

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

function program(name: string): string {
  const path = which(name);
  if (!path) throw new Error(`${name} is not installed (CI installs Debian's munge, slurmctld, slurmd and slurm-client)`);
  return path;
}

/**
 * munged in the foreground as `user`, on a socket in `dir`. `--force` because the socket and key live under the
 * world-writable /tmp, which munged otherwise refuses; everything else is munged's normal checking of the key.
 */
export async function startMunged(opts: {
  binary?: string;
  keyFile: string;
  dir: string;
  user: Account;
  /** For a munged copied from elsewhere: where its libmunge.so.2 is (what ldconfig gives on a real node). */
  libraryPath?: string;
}): Promise<{ socket: string; stop(): Promise<void> }> {
  const socket = join(opts.dir, 'munge.socket.2');
  const log = join(opts.dir, 'munged.log');
  const server = await startServer({
    command: program('setpriv'),
    args: [
      `--reuid=${opts.user.uid}`, `--regid=${opts.user.gid}`, '--clear-groups', '--',
      opts.binary ?? program('munged'),
      '--foreground', '--force',
      `--key-file=${opts.keyFile}`,
      `--socket=${socket}`,
      `--pid-file=${join(opts.dir, 'munged.pid')}`,
      `--seed-file=${join(opts.dir, 'munged.seed')}`,
      `--log-file=${log}`,
    ],
    env: opts.libraryPath ? { LD_LIBRARY_PATH: opts.libraryPath } : {},
    ready: () => existsSync(socket) && run(program('munge'), ['-n', '-S', socket], { timeoutMs: 5_000 }).status === 0,
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_GRACE_MS,
    logFile: log,
    captureOutput: true,
    notReady: `munged did not answer on ${socket}`,
    addressInUse: /(?!)/,
  });
  return { socket, stop: server.stop };
}

/** One single-node cluster: what ParallelCluster's head node and one compute node would run, on 127.0.0.1. */
export interface ServerCluster {
  name: string;
  /** The head node's short host name (slurmctld runs in a UTS namespace that has it). */
  headHost: string;
  nodeName: string;
  ctldPort: number;
  slurmdPort: number;
  dir: string;
  /** The head node's full slurm.conf (ParallelCluster's /opt/slurm/etc/slurm.conf). */
  conf: string;
  /** Slurm accounting: the port of this cluster's slurmdbd (on its head node); absent without accounting. */
  dbdPort?: number;
}

/**
 * The server configuration, standing in for ParallelCluster's. Keys are ones Slurm 22.05 (Debian 12) and 25.11
 * (ParallelCluster 3.16) both read; the plug-ins are the ones that need no cgroups. Accounting goes to the cluster's
 * slurmdbd when it has one (`dbdPort`), as with ParallelCluster's SlurmSettings.Database.
 */
export function serverSlurmConf(c: ServerCluster, opts: { slurmUser: string; mungeSocket: string }): string {
  return `# The rehearsal's stand-in for ParallelCluster's slurm.conf of cluster ${c.name}.
ClusterName=${c.name}
SlurmctldHost=${c.headHost}(127.0.0.1)
SlurmctldPort=${c.ctldPort}
SlurmdPort=${c.slurmdPort}
SlurmUser=${opts.slurmUser}
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${opts.mungeSocket}
StateSaveLocation=${join(c.dir, 'state')}
SlurmdSpoolDir=${join(c.dir, 'spool')}
SlurmctldPidFile=${join(c.dir, 'run', 'slurmctld.pid')}
SlurmdPidFile=${join(c.dir, 'run', 'slurmd.pid')}
SlurmctldLogFile=${join(c.dir, 'log', 'slurmctld.log')}
SlurmdLogFile=${join(c.dir, 'log', 'slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
${accountingLines(c, opts.mungeSocket)}JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/linear
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MessageTimeout=5
NodeName=${c.nodeName} NodeHostname=${hostname().split('.')[0]} NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
PartitionName=compute Nodes=${c.nodeName} Default=YES MaxTime=INFINITE State=UP
`;
}

/** As ParallelCluster writes them with SlurmSettings.Database: slurmdbd on the head node (here by its name localhost). */
function accountingLines(c: ServerCluster, mungeSocket: string): string {
  if (c.dbdPort === undefined) return 'AccountingStorageType=accounting_storage/none\n';
  // AccountingStoragePass names the munge socket for slurmdbd connections: the rehearsal's head munged is not at the
  // default path. The head node does not publish this key; the portal's clients use the portal's own munged.
  return `AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\nAccountingStoragePort=${c.dbdPort}\nAccountingStoragePass=${mungeSocket}\n`;
}

/** The cluster's directories, owned as slurmctld (running as `slurmUser`) and slurmd (root) need them. */
export function prepareClusterDirs(c: ServerCluster, slurmUser: Account): void {
  for (const sub of ['state', 'spool', 'run', 'log']) mkdirSync(join(c.dir, sub), { recursive: true, mode: 0o755 });
  for (const sub of ['state', 'run', 'log']) chownSync(join(c.dir, sub), slurmUser.uid, slurmUser.gid);
}

const slurmEnv = (c: ServerCluster): NodeJS.ProcessEnv => ({ PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', SLURM_CONF: c.conf });

/** The state of the cluster's node as sinfo reports it (`idle`, `down*`...), or undefined when unreachable. */
export function nodeState(c: ServerCluster): string | undefined {
  const r = run(program('sinfo'), ['-h', '-N', '-o', '%t'], { env: slurmEnv(c), timeoutMs: 10_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** slurmctld in the foreground, in its own UTS namespace named like the head node (it only runs where it is named). */
export function startSlurmctld(c: ServerCluster): Promise<ServerProcess> {
  return startServer({
    command: program('unshare'),
    args: ['--uts', '--', 'sh', '-c', 'hostname "$0" && exec "$@"', c.headHost, program('slurmctld'), '-D', '-i', '-f', c.conf],
    env: slurmEnv(c),
    ready: () => run(program('scontrol'), ['ping'], { env: slurmEnv(c), timeoutMs: 10_000 }).stdout.includes('UP'),
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_GRACE_MS,
    logFile: join(c.dir, 'log', 'slurmctld.log'),
    captureOutput: false,
    notReady: `slurmctld of ${c.name} did not answer on 127.0.0.1:${c.ctldPort}`,
    addressInUse: /Address already in use/i,
  });
}

/** How the compute node looks to its jobs, when a test needs it to look like a ParallelCluster node. */
export interface ComputeNodeView {
  /** The host name jobs see (`hostname`): slurmd then runs in its own UTS namespace with it. */
  hostname?: string;
  /** Bind mounts [from, to] in slurmd's own mount namespace (and so its jobs'): what the node's custom action put there. */
  binds?: readonly (readonly [string, string])[];
  /**
   * Give the node a /tmp of its own (mode 1777, as on a real node: X servers put their locks and sockets there),
   * mounted after `binds`; the rehearsal's own directory stays reachable at its path through it.
   */
  privateTmp?: boolean;
}

/** slurmd in the foreground for the cluster's one node; ready once slurmctld reports the node idle. */
export function startSlurmd(c: ServerCluster, view: ComputeNodeView = {}, rehearsalDir?: string): Promise<ServerProcess> {
  const slurmd = [program('slurmd'), '-D', '-N', c.nodeName, '-f', c.conf];
  const binds = view.binds ?? [];
  const tmp = view.privateTmp && rehearsalDir ? join(c.dir, 'node-tmp') : undefined;
  if (tmp) {
    mkdirSync(tmp, { recursive: true });
    chmodSync(tmp, 0o1777);
  }
  // The rehearsal's directory (below the host's /tmp) is bound at the same path inside the node's /tmp first.
  const tmpSetup = tmp && rehearsalDir
    ? [`mkdir -p '${tmp}/${basename(rehearsalDir)}'`, `mount --bind '${rehearsalDir}' '${tmp}/${basename(rehearsalDir)}'`, `mount --rbind '${tmp}' '${dirname(rehearsalDir)}'`]
    : [];
  const setup = [...(view.hostname ? ['hostname "$0"'] : []), ...binds.map(([from, to]) => `mount --bind '${from}' '${to}'`), ...tmpSetup, 'exec "$@"'].join(' && ');
  const namespaces = [...(view.hostname ? ['--uts'] : []), ...(binds.length || tmpSetup.length ? ['--mount'] : [])];
  const [command, args] = namespaces.length
    ? [program('unshare'), [...namespaces, '--', 'sh', '-c', setup, view.hostname ?? 'slurmd', ...slurmd]]
    : [slurmd[0]!, slurmd.slice(1)];
  return startServer({
    command,
    args,
    env: slurmEnv(c),
    ready: () => nodeState(c) === 'idle',
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_GRACE_MS,
    logFile: join(c.dir, 'log', 'slurmd.log'),
    captureOutput: false,
    notReady: `slurmd ${c.nodeName} of ${c.name} did not become idle`,
    addressInUse: /Address already in use/i,
  });
}
