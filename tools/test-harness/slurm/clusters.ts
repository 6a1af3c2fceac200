/**
 * The Slurm rehearsal: real munged, slurmctld and slurmd (Debian's) on 127.0.0.1, two or more single-node clusters,
 * each with the project's head-node script run against its live slurmctld, publishing on a shared "EFS" directory.
 * Reusable by any portal's tests: they get each cluster's published client slurm.conf and a portal-host runner.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerProcess } from '../process.js';
import { sleep } from '../process.js';
import { nodeState, prepareClusterDirs, serverSlurmConf, startMunged, startSlurmctld, startSlurmd, type ComputeNodeView, type ServerCluster } from './daemons.js';
import { account, createTestUser, mustRun, removeTestUser, run, which, type Account, type RunResult } from './host.js';
import { portalHost, type PortalHost } from './portal-host.js';
import { slurmdbdConf, startSlurmdbd, writeSlurmdbdConf, type AccountingStorage } from './slurmdbd.js';

export interface RehearsalClusterInput {
  /** ParallelCluster's cluster name, which is also Slurm's ClusterName (the head-node script checks it). */
  name: string;
  /** The head-node OnNodeConfigured script to run against this cluster's live slurmctld. */
  headNodeScript: string;
  /** The compute node's host name and /opt as its jobs see them (default: this host's). */
  computeNode?: ComputeNodeView;
}

export interface SlurmRehearsalOptions {
  clusters: readonly RehearsalClusterInput[];
  /** The munge key as the Secrets Manager secret holds it (base64). */
  mungeKeyBase64: string;
  /** Cluster i (from 0) listens on basePort + 10(i+1) (slurmctld) and the port after it (slurmd). */
  basePort: number;
  /** The unprivileged account jobs are submitted as; created now, removed by stop(). Unique to the suite. */
  testUser: string;
  /** The EFS mount dir of the cluster spec (default /efs). */
  efsMountDir?: string;
  /** The publication root under it (the cluster spec's publishRoot, default hpc-ha). */
  publishRoot?: string;
  /**
   * Slurm accounting, per cluster in order: each gets a slurmdbd on its head node (port basePort + 10(i+1) + 2)
   * storing into this database, and its slurmctld sends its records there.
   */
  accounting?: readonly AccountingStorage[];
}

export interface RehearsalCluster extends ServerCluster {
  /** HPC_HA_ROOT of the head-node script: the head node's file system as the script sees it. */
  headRoot: string;
  /** The head-node script's run (exit status, log on stderr). */
  headNodeRun: RunResult;
  /** The client slurm.conf the head-node script published (what a portal node copies). */
  clientConf: string;
  /** Stops this cluster's slurmctld (slurmd keeps running), as when its head node is lost. */
  stopController(): Promise<void>;
  /** With accounting: stops this cluster's slurmdbd (slurmctld keeps running and queues its records). */
  stopSlurmdbd(): Promise<void>;
  /** With accounting: starts it again (after stopSlurmdbd). */
  startSlurmdbd(): Promise<void>;
}

export interface SlurmRehearsal {
  dir: string;
  /** The shared EFS directory every head node published into and the portal reads. */
  efs: string;
  clusters: RehearsalCluster[];
  testUser: Account;
  munge: Account;
  portal: PortalHost;
  /** `<efs>/<publishRoot>/clusters/<name>/<file>`: what a cluster's head node published. */
  published(cluster: string, file: string): string;
  /**
   * Starts the portal's own munged (socket in portal.mungeRunDir, where portal.run's clients look). Without
   * `keyFile`, the deployment's key is written to `<portal root>/etc/munge/munge.key` as a portal node writes it.
   */
  startPortalMunged(opts?: { keyFile?: string; binary?: string; libraryPath?: string }): Promise<void>;
  /** Cancels what the test user still runs, stops every daemon, removes the test user and the temp dir. */
  stop(): Promise<void>;
}

const CLIENT_PROGRAMS = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sinfo', 'srun', 'salloc', 'sacct'];
const MUNGE_LIB_DIRS = ['usr/lib64', 'usr/lib/x86_64-linux-gnu', 'usr/lib/aarch64-linux-gnu', 'usr/lib', 'lib/x86_64-linux-gnu', 'lib64'];

/** Writes the key the way the nodes do: base64-decoded into a 0400 temp file owned by munge, renamed into place. */
export function writeMungeKey(file: string, base64: string, munge: Account): void {
  const tmp = `${file}.hpc-ha.tmp`;
  writeFileSync(tmp, Buffer.from(base64, 'base64'), { mode: 0o400 });
  chownSync(tmp, munge.uid, munge.gid);
  renameSync(tmp, file);
}

/** The head node's root as the project's head-node script sees it: Slurm in /opt/slurm, munge in /usr, os-release. */
function headRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'opt/slurm/bin'), { recursive: true });
  for (const p of CLIENT_PROGRAMS) {
    const path = which(p);
    if (path) symlinkSync(path, join(root, 'opt/slurm/bin', p));
  }
  for (const [sub, name] of [['usr/sbin', 'munged'], ['usr/bin', 'munge'], ['usr/bin', 'unmunge']] as const) {
    mkdirSync(join(root, sub), { recursive: true });
    symlinkSync(which(name)!, join(root, sub, name));
  }
  const lib = MUNGE_LIB_DIRS.find((d) => readdirSafe(`/${d}`).includes('libmunge.so.2'));
  if (!lib) throw new Error(`libmunge.so.2 is in none of ${MUNGE_LIB_DIRS.map((d) => `/${d}`).join(', ')}`);
  mkdirSync(join(root, lib), { recursive: true });
  symlinkSync(`/${lib}/libmunge.so.2`, join(root, lib, 'libmunge.so.2'));
  mkdirSync(join(root, 'etc'), { recursive: true });
  copyFileSync('/etc/os-release', join(root, 'etc/os-release'));
  // Only the instance metadata service is stubbed: the head node's private address is 127.0.0.1 here.
  mkdirSync(join(dir, 'stubs'), { recursive: true });
  writeFileSync(
    join(dir, 'stubs/curl'),
    '#!/bin/sh\ncase " $* " in *" -X PUT "*) printf rehearsal-imds-token ;; *"/meta-data/local-ipv4"*) cat >/dev/null; printf 127.0.0.1 ;; *) exit 22 ;; esac\n',
    { mode: 0o755 },
  );
  // The head-node script's sshd step: what it writes is checked with the real sshd in pcluster-config's sshd test;
  // here (no sshd running, no host keys in this root) sshd accepts it and the reload is a no-op.
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 'PasswordAuthentication yes\nUsePAM yes\n', { mode: 0o600 });
  writeFileSync(join(dir, 'stubs/sshd'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(
    join(dir, 'stubs/systemctl'),
    '#!/bin/sh\ncase "$1 $2" in "reload sshd" | "reload ssh") exit 0 ;; esac\nexec /usr/bin/systemctl "$@"\n',
    { mode: 0o755 },
  );
  return root;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Runs the head-node script for real in a private mount namespace: /etc and /home are overlays on a tmpfs (so the
 * accounts it creates with useradd stay there), and the shared EFS directory is bind-mounted at its mount dir (so
 * `mountpoint` sees a mounted file system). scontrol talks to the cluster's live slurmctld.
 */
function runHeadNodeScript(c: ServerCluster, root: string, dir: string, efs: string, efsMountDir: string, script: string): RunResult {
  const file = join(dir, 'head-node.sh');
  writeFileSync(file, script, { mode: 0o755 });
  const ovl = join(dir, 'overlay');
  mkdirSync(ovl, { recursive: true });
  const mnt = join(root, efsMountDir);
  mkdirSync(mnt, { recursive: true });
  const setup = [
    `mount -t tmpfs tmpfs '${ovl}'`,
    ...['etc', 'home'].flatMap((d) => [
      `mkdir -p '${ovl}/${d}/upper' '${ovl}/${d}/work'`,
      `mount -t overlay overlay -o 'lowerdir=/${d},upperdir=${ovl}/${d}/upper,workdir=${ovl}/${d}/work' /${d}`,
    ]),
    `mount --bind '${efs}' '${mnt}'`,
    'exec bash "$0"',
  ].join(' && ');
  return run('unshare', ['--mount', '--', 'sh', '-c', setup, file], {
    env: { PATH: `${join(dir, 'stubs')}:/usr/sbin:/usr/bin:/sbin:/bin`, LANG: 'C', HPC_HA_ROOT: root, SLURM_CONF: c.conf },
    timeoutMs: 90_000,
  });
}

/** Pids of processes running as `uid` (jobs of the test user), read from /proc. */
function pidsOf(uid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const line = status.split('\n').find((l) => l.startsWith('Uid:'));
      if (line && Number(line.split(/\s+/)[1]) === uid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

export async function startSlurmClusters(opts: SlurmRehearsalOptions): Promise<SlurmRehearsal> {
  const munge = account('munge');
  const slurm = account('slurm');
  if (!munge) throw new Error('no munge account on this host (Debian\'s munge package creates it)');
  if (!slurm) throw new Error('no slurm account on this host (Debian\'s slurmctld package creates it); the clusters run slurmctld as SlurmUser=slurm, as ParallelCluster does');
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-slurm-'));
  chmodSync(dir, 0o755); // slurm, munge and the test user must reach their files below it
  const stoppers: (() => Promise<void>)[] = [];
  const controllers = new Map<string, ServerProcess>();
  const efs = join(dir, 'efs');
  mkdirSync(efs, { mode: 0o755 });
  let testUser: Account | undefined;
  const clusters: RehearsalCluster[] = [];

  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    if (testUser) {
      for (const c of clusters) {
        if (controllers.has(c.name)) run('scancel', [`--user=${testUser.name}`], { env: { PATH: '/usr/bin:/bin', SLURM_CONF: c.conf }, timeoutMs: 15_000 });
      }
      const deadline = Date.now() + 10_000;
      while (pidsOf(testUser.uid).length && Date.now() < deadline) await sleep(200);
      for (const pid of pidsOf(testUser.uid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    for (const s of stoppers.reverse()) {
      try {
        await s();
      } catch (e) {
        errors.push(e);
      }
    }
    try {
      if (testUser) removeTestUser(testUser.name);
    } catch (e) {
      errors.push(e);
    }
    rmSync(dir, { recursive: true, force: true });
    if (errors.length) throw new AggregateError(errors, 'the Slurm rehearsal did not stop cleanly');
  };

  try {
    testUser = createTestUser(opts.testUser);
    const headMunge = join(dir, 'head-munge');
    mkdirSync(headMunge, { mode: 0o755 });
    chownSync(headMunge, munge.uid, munge.gid);
    const keyFile = join(headMunge, 'munge.key');
    writeMungeKey(keyFile, opts.mungeKeyBase64, munge);
    const munged = await startMunged({ keyFile, dir: headMunge, user: munge });
    stoppers.push(munged.stop);

    for (const [i, input] of opts.clusters.entries()) {
      const cdir = join(dir, `cluster${i + 1}`);
      const c: ServerCluster = {
        name: input.name,
        headHost: `head-${i + 1}`,
        nodeName: `compute-${i + 1}`,
        ctldPort: opts.basePort + 10 * (i + 1),
        slurmdPort: opts.basePort + 10 * (i + 1) + 1,
        dir: cdir,
        conf: join(cdir, 'slurm.conf'),
        ...(opts.accounting ? { dbdPort: opts.basePort + 10 * (i + 1) + 2 } : {}),
      };
      prepareClusterDirs(c, slurm);
      writeFileSync(c.conf, serverSlurmConf(c, { slurmUser: slurm.name, mungeSocket: munged.socket }), { mode: 0o644 });
      // slurmdbd first: the controller registers the cluster with it when it starts.
      let dbd: ServerProcess | undefined;
      const storage = opts.accounting?.[i];
      if (opts.accounting && !storage) throw new Error(`accounting is on but has no database for cluster ${i + 1}`);
      if (storage) {
        writeSlurmdbdConf(c, slurmdbdConf(c, storage, { slurmUser: slurm.name, mungeSocket: munged.socket }), slurm);
        dbd = await startSlurmdbd(c);
        stoppers.push(async () => {
          await dbd?.stop();
          dbd = undefined;
        });
      }
      const ctld = await startSlurmctld(c);
      controllers.set(c.name, ctld);
      stoppers.push(async () => {
        await ctld.stop();
        controllers.delete(c.name);
      });
      const slurmd = await startSlurmd(c, input.computeNode, dir);
      stoppers.push(slurmd.stop);
      const root = headRoot(join(cdir, 'head'));
      const headNodeRun = runHeadNodeScript(c, root, join(cdir, 'head'), efs, opts.efsMountDir ?? '/efs', input.headNodeScript);
      clusters.push({
        ...c,
        headRoot: root,
        headNodeRun,
        clientConf: join(efs, opts.publishRoot ?? 'hpc-ha', 'clusters', c.name, 'slurm.conf'),
        stopController: async () => {
          await ctld.stop();
          controllers.delete(c.name);
        },
        stopSlurmdbd: async () => {
          if (!dbd) throw new Error(`cluster ${c.name} has no running slurmdbd`);
          await dbd.stop();
          dbd = undefined;
        },
        startSlurmdbd: async () => {
          if (!storage) throw new Error(`cluster ${c.name} has no accounting`);
          if (dbd) throw new Error(`the slurmdbd of ${c.name} is running already`);
          dbd = await startSlurmdbd(c);
        },
      });
    }

    const portalRoot = join(dir, 'portal');
    mkdirSync(portalRoot, { mode: 0o755 });
    const portal = portalHost(portalRoot, { munge, users: [testUser] });
    return {
      dir,
      efs,
      clusters,
      testUser,
      munge,
      portal,
      published: (cluster, file) => join(efs, opts.publishRoot ?? 'hpc-ha', 'clusters', cluster, file),
      async startPortalMunged(o = {}) {
        let keyFile = o.keyFile;
        if (!keyFile) {
          // etc itself stays traversable (a recursive mkdir would give it the key directory's 0700).
          mkdirSync(join(portalRoot, 'etc'), { recursive: true, mode: 0o755 });
          mkdirSync(join(portalRoot, 'etc/munge'), { recursive: true, mode: 0o700 });
          chownSync(join(portalRoot, 'etc/munge'), munge.uid, munge.gid);
          keyFile = join(portalRoot, 'etc/munge/munge.key');
          writeMungeKey(keyFile, opts.mungeKeyBase64, munge);
        }
        const m = await startMunged({ ...o, keyFile, dir: portal.mungeRunDir, user: munge });
        stoppers.push(m.stop);
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The state of the cluster's only node (`idle`, `alloc`...), or undefined when its slurmctld does not answer. */
export { nodeState };

/** Runs a Slurm command as root against a cluster's server configuration (for checks and clean-up, not for the portal). */
export function adminCommand(c: ServerCluster, argv: readonly string[]): RunResult {
  return mustRun(argv[0]!, argv.slice(1), { env: { PATH: '/usr/bin:/bin', LANG: 'C', SLURM_CONF: c.conf } });
}
