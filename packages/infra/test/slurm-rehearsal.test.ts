/**
 * The Slurm rehearsal: the deployment's own generated pieces against real Debian munged, slurmctld and slurmd on
 * 127.0.0.1 (tools/test-harness/slurm). Rendered from the cn-north-1 example exactly as `hpc-ha render` and the CDK
 * app render them: both clusters' head-node scripts run against live slurmctlds and publish on a shared "EFS"; the
 * munge key comes from the munge-key handler's generator; portal node 1 runs its bootstrap's client-install steps
 * (install_munge, sync_clusters) and then, reading ef.slurm.conf as EnginFrame's Slurm plug-in does, submits jobs as
 * an unprivileged user to every cluster, on a host view that has only the portal's accounts.
 *
 * Stubbed, because they are AWS: the instance metadata service (head nodes), Secrets Manager (`aws`), dnf (it answers
 * that no repository has munge, so the portal takes the head node's build), systemd (`systemctl` only records; the
 * test then starts the munged of the unit the bootstrap wrote) and the NFS mount of the head node's /opt/slurm
 * (replaced by a bind mount of the same directory).
 *
 * Slurm here is Debian 12's 22.05; ParallelCluster 3.16 ships 25.11. The client stub the head node publishes keeps to
 * keys both read the same way (ClusterName, SlurmctldHost name(address), SlurmctldPort range, AuthType=auth/munge,
 * CredType=cred/munge). What could differ: plug-ins added after 22.05 that a ParallelCluster slurm.conf may name
 * (auth/slurm and cred/slurm came in 23.11), options deprecated or removed since (check the release notes from 23.02
 * to 25.11 before adding a key to the stub), and the server settings ParallelCluster writes (its
 * SlurmctldParameters, cgroup-based TaskPlugin and ProctrackType, cgroup.conf, accounting), which the stand-in server
 * config here replaces with plug-ins both versions have and that need no cgroups. A 25.11 controller accepts commands
 * from 24.05 and later only (Slurm's upgrade guide), so a 22.05 client could not talk to it: the portal copies its
 * head node's own client build, and this rehearsal runs one version on both sides.
 */
import { chownSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newMungeKey } from '@hpc-ha/lambdas';
import { renderPortalBootstrapEnv, renderPortalBootstrapProgram } from '@hpc-ha/enginframe-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterArtifacts, envValue, placeholderValues, portalBootstrapSpec } from '../src/artifacts/index.js';
import { loadDeploymentConfig } from '../src/config/index.js';
import { rehearsalMissing, run, startSlurmClusters, type RunResult, type SlurmRehearsal } from '../../../tools/test-harness/slurm/index.js';
import { examplePath } from './support/synth.js';

const inCi = process.env['CI'] === 'true';
const missing = rehearsalMissing();
if (inCi && missing.length) throw new Error(`CI=true but the Slurm rehearsal lacks: ${missing.join(', ')}`);

/** This suite's ports (16800-16899 belong to it on a shared machine) and its own test user. */
const BASE_PORT = 16800;
const TEST_USER = 'hpchaslurm12';
const JOB_WAIT_MS = 30_000;
/** How long a client may take to report a dead controller (it retries for MessageTimeout, 10 s by default). */
const DEAD_CONTROLLER_BOUND_MS = 30_000;

const config = loadDeploymentConfig(examplePath('cn-north-1'));
const values = placeholderValues(config);
const [cluster1, cluster2] = clusterArtifacts(config, values);
const portalEnv = renderPortalBootstrapEnv(portalBootstrapSpec(config, values, 1));
const MUNGE_KEY = newMungeKey();

/** Portal node 1's bootstrap, cut to the client-install steps of a first boot, in the order main() runs them. */
function clientInstallScript(): string {
  const program = renderPortalBootstrapProgram();
  const main = '\nnode_main\n';
  if (!program.endsWith(main)) throw new Error('the portal program no longer ends with node_main; update the rehearsal');
  return `#!/usr/bin/env bash\n${portalEnv}\n${program.slice(0, -main.length)}\ntrap cleanup EXIT\ninstall_munge\nsync_clusters\n`;
}

/** The AWS-side and systemd commands of the portal bootstrap; every call goes to $STUB_LOG. */
const PORTAL_STUBS: Record<string, string> = {
  aws: `[ "$1 $2" = "secretsmanager get-secret-value" ] || { echo "aws stub: $*" >&2; exit 2; }
cat "$STUB_SECRET_FILE"; echo`,
  dnf: `if [ "$*" = "info munge" ]; then echo "Error: No matching Packages to list" >&2; exit 1; fi
echo "dnf stub: $*" >&2; exit 1`,
  systemctl: 'exit 0',
  ldconfig: 'exit 0',
  // The head node's /opt/slurm over NFS, as a bind mount of the same directory (private mount namespace).
  mount: `if [ "$1 $2 $3 $4" = "-t nfs -o ro,nolock" ]; then exec /usr/bin/mount --bind "$STUB_NFS_ROOT\${5#*:}" "$6"; fi
exec /usr/bin/mount "$@"`,
};

function writeStubs(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(PORTAL_STUBS)) {
    writeFileSync(join(dir, name), `#!/bin/bash\nprintf '%s\\n' "${name} $*" >>"$STUB_LOG"\n${body}\n`, { mode: 0o755 });
  }
}

/** SLURM_BINDIR and each cluster's SLURM_CONF, read by sourcing ef.slurm.conf as EnginFrame's Slurm plug-in does. */
function readEfSlurmConf(file: string): { binDir: string; clusters: { id: string; conf: string }[] } {
  const reader = `set -eu; source "$1"; printf 'BINDIR %s\\n' "$SLURM_BINDIR"
IFS=, read -r -a ids <<<"$SLURM_CLUSTER_IDS"
for id in "\${ids[@]}"; do conf="SLURM_CLUSTER_\${id}_CONF"; printf 'CLUSTER %s %s\\n' "$id" "\${!conf}"; done`;
  const r = run('bash', ['-c', reader, 'ef', file]);
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => l.split(' '));
  return {
    binDir: lines.find((l) => l[0] === 'BINDIR')![1]!,
    clusters: lines.filter((l) => l[0] === 'CLUSTER').map((l) => ({ id: l[1]!, conf: l[2]! })),
  };
}

describe.skipIf(missing.length > 0)('Slurm rehearsal: portal ↔ two clusters on real munged, slurmctld and slurmd', () => {
  let rehearsal: SlurmRehearsal;
  let portalRoot: string;
  let stubLog: string;
  let bootstrap: RunResult;
  let ef: ReturnType<typeof readEfSlurmConf>;
  let jobs: string;

  /** A Slurm client command of the portal, as the test user, on the portal's view of the host. */
  const client = (conf: string, argv: string[]): RunResult =>
    rehearsal.portal.run([join(portalRoot, ef.binDir, argv[0]!), ...argv.slice(1)], {
      user: rehearsal.testUser,
      env: { SLURM_CONF: join(portalRoot, conf) },
      cwd: jobs,
    });

  const submit = (conf: string, args: string[]): string => {
    const r = client(conf, ['sbatch', '--parsable', `--chdir=${jobs}`, `--output=${jobs}/%x-%j.out`, ...args]);
    expect(r.status, `sbatch failed:\n${r.stderr}`).toBe(0);
    return r.stdout.trim().split(';')[0]!;
  };

  /** Polls squeue (all states) until the job reaches `state`; bounded. */
  const waitForState = async (conf: string, job: string, state: string): Promise<void> => {
    const deadline = Date.now() + JOB_WAIT_MS;
    let last = '';
    while (Date.now() < deadline) {
      const r = client(conf, ['squeue', '-h', '-t', 'all', '-j', job, '-o', '%T']);
      last = `${r.stdout.trim()} ${r.stderr.trim()}`;
      if (r.stdout.trim() === state) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`job ${job} did not reach ${state} within ${JOB_WAIT_MS} ms (last: ${last})`);
  };

  beforeAll(async () => {
    rehearsal = await startSlurmClusters({
      clusters: [cluster1!, cluster2!].map((c) => ({ name: c.spec.clusterName, headNodeScript: c.headNodeScript! })),
      mungeKeyBase64: MUNGE_KEY,
      basePort: BASE_PORT,
      testUser: TEST_USER,
    });
    portalRoot = rehearsal.portal.root;
    symlinkSync(rehearsal.efs, join(portalRoot, 'efs'));
    mkdirSync(join(portalRoot, 'etc'), { recursive: true });
    copyFileSync('/etc/os-release', join(portalRoot, 'etc/os-release'));
    const stubs = join(rehearsal.dir, 'portal-stubs');
    writeStubs(stubs);
    stubLog = join(rehearsal.dir, 'portal-calls.log');
    const secret = join(rehearsal.dir, 'secret-string');
    writeFileSync(secret, MUNGE_KEY, { mode: 0o600 });
    const script = join(rehearsal.dir, 'portal-client-install.sh');
    writeFileSync(script, clientInstallScript());
    bootstrap = rehearsal.portal.runScript(script, {
      env: {
        PATH: `${stubs}:/usr/sbin:/usr/bin:/sbin:/bin`,
        LANG: 'C',
        HPC_HA_SYSROOT: portalRoot,
        STUB_LOG: stubLog,
        STUB_SECRET_FILE: secret,
        STUB_NFS_ROOT: rehearsal.clusters[0]!.headRoot,
      },
      timeoutMs: 60_000,
    });
    jobs = join(rehearsal.dir, 'jobs');
    mkdirSync(jobs, { mode: 0o755 });
    chownSync(jobs, rehearsal.testUser.uid, rehearsal.testUser.gid);
    writeFileSync(join(jobs, 'job.sh'), '#!/bin/sh\necho "$SLURM_CLUSTER_NAME $SLURMD_NODENAME $SLURM_JOB_ID $(id -un)"\n', { mode: 0o755 });
    const efConf = join(rehearsal.dir, 'ef.slurm.conf');
    writeFileSync(efConf, envValue(portalEnv, 'HPC_HA_EF_SLURM_CONF')!);
    ef = readEfSlurmConf(efConf);
  }, 150_000);

  afterAll(async () => {
    await rehearsal?.stop();
  }, 60_000);

  it('each head-node script publishes against its live slurmctld: a client stub with the real address and port', () => {
    for (const c of rehearsal.clusters) {
      expect(c.headNodeRun.status, c.headNodeRun.stderr).toBe(0);
      expect(readFileSync(c.clientConf, 'utf8')).toContain(
        `\nClusterName=${c.name}\nSlurmctldHost=${c.headHost}(127.0.0.1)\nSlurmctldPort=${c.ctldPort}\n`,
      );
      expect(readFileSync(rehearsal.published(c.name, 'cluster.env'), 'utf8')).toContain('HPC_HA_SLURM_VERSION="22.05');
      expect(readFileSync(rehearsal.published(c.name, 'munge/munge.env'), 'utf8')).toMatch(/^HPC_HA_MUNGE_VERSION="munge-0\.5\.\d+"$/m);
      expect(readFileSync(rehearsal.published(c.name, 'munge/munged'))).toEqual(readFileSync('/usr/sbin/munged'));
    }
  });

  it('the portal view has the portal\'s accounts only: no slurm, as on a real portal node', () => {
    expect(rehearsal.portal.run(['getent', 'passwd', 'slurm']).status).toBe(2);
    expect(rehearsal.portal.run(['getent', 'passwd', TEST_USER]).status).toBe(0);
    expect(run('getent', ['passwd', 'slurm']).status, 'the clusters run slurmctld as slurm').toBe(0);
  });

  it('the portal bootstrap installs both client configs, the own head node\'s Slurm client and munge build, and the key', () => {
    expect(bootstrap.status, `${bootstrap.stdout}${bootstrap.stderr}`).toBe(0);
    for (const c of rehearsal.clusters) {
      expect(readFileSync(join(portalRoot, 'etc/hpc-ha/slurm', c.name, 'slurm.conf'), 'utf8')).toBe(readFileSync(rehearsal.published(c.name, 'slurm.conf'), 'utf8'));
    }
    expect(statSync(join(portalRoot, 'opt/slurm/bin/sbatch')).isFile()).toBe(true);
    const calls = readFileSync(stubLog, 'utf8').split('\n');
    expect(calls).toContain('dnf info munge');
    expect(calls.indexOf('systemctl restart munge')).toBeGreaterThan(calls.indexOf('systemctl daemon-reload'));
    const key = join(portalRoot, 'etc/munge/munge.key');
    expect(readFileSync(key)).toEqual(Buffer.from(MUNGE_KEY, 'base64'));
    expect(statSync(key).mode & 0o777).toBe(0o400);
    expect(statSync(key).uid).toBe(rehearsal.munge.uid);
  });

  it('the munge unit the bootstrap wrote starts the head node\'s munged build with the installed key', async () => {
    const unit = readFileSync(join(portalRoot, 'etc/systemd/system/munge.service'), 'utf8');
    const exec = /^ExecStart=(\S+) --foreground$/m.exec(unit)?.[1];
    expect(exec).toBe('/opt/hpc-ha/munge/sbin/munged');
    expect(unit).toMatch(/^User=munge$/m);
    await rehearsal.startPortalMunged({
      binary: join(portalRoot, exec!),
      keyFile: join(portalRoot, 'etc/munge/munge.key'),
      libraryPath: join(portalRoot, readFileSync(join(portalRoot, 'etc/ld.so.conf.d/hpc-ha-munge.conf'), 'utf8').trim()),
    });
  }, 30_000);

  it('every cluster of ef.slurm.conf takes a job from the unprivileged test user and runs it', async () => {
    expect(ef.clusters.map((c) => c.conf)).toEqual(rehearsal.clusters.map((c) => `/etc/hpc-ha/slurm/${c.name}/slurm.conf`));
    for (const [i, { id, conf }] of ef.clusters.entries()) {
      const c = rehearsal.clusters[i]!;
      const job = submit(conf, [`--job-name=rehearsal-${id}`, join(jobs, 'job.sh')]);
      await waitForState(conf, job, 'COMPLETED');
      expect(readFileSync(join(jobs, `rehearsal-${id}-${job}.out`), 'utf8')).toBe(`${c.name} ${c.nodeName} ${job} ${TEST_USER}\n`);
    }
  }, 90_000);

  it('the same client config with the SlurmUser line the head node used to publish stops sbatch on a portal', () => {
    const { conf } = ef.clusters[0]!;
    const withUser = join(rehearsal.dir, 'with-slurm-user.conf');
    writeFileSync(withUser, `${readFileSync(join(portalRoot, conf), 'utf8')}SlurmUser=slurm\n`);
    const r = rehearsal.portal.run([join(portalRoot, ef.binDir, 'sbatch'), '--wrap=true'], {
      user: rehearsal.testUser,
      env: { SLURM_CONF: withUser },
      cwd: jobs,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Invalid user for SlurmUser slurm[\s\S]*fatal: Unable to process configuration file/);
  });

  it('squeue shows the test user\'s running job and scancel cancels it', async () => {
    const { conf } = ef.clusters[1]!;
    const job = submit(conf, ['--job-name=rehearsal-sleep', '--wrap=sleep 120']);
    await waitForState(conf, job, 'RUNNING');
    const listed = client(conf, ['squeue', '-h', '-j', job, '-o', '%i %u %T']);
    expect(listed.stdout.trim()).toBe(`${job} ${TEST_USER} RUNNING`);
    const cancel = client(conf, ['scancel', job]);
    expect(cancel.status, cancel.stderr).toBe(0);
    await waitForState(conf, job, 'CANCELLED');
  }, 90_000);

  it('with cluster 1\'s slurmctld gone, cluster 2 still runs jobs and squeue on cluster 1 fails fast with an error', async () => {
    const [dead, alive] = ef.clusters;
    await rehearsal.clusters[0]!.stopController();
    const job = submit(alive!.conf, ['--job-name=after-loss', join(jobs, 'job.sh')]);
    await waitForState(alive!.conf, job, 'COMPLETED');
    expect(readFileSync(join(jobs, `after-loss-${job}.out`), 'utf8')).toContain(`${rehearsal.clusters[1]!.name} `);
    const squeue = client(dead!.conf, ['squeue', '-h']);
    expect(squeue.timedOut).toBe(false);
    expect(squeue.status).not.toBe(0);
    expect(squeue.stderr).toMatch(/Unable to contact slurm controller/);
    expect(squeue.ms).toBeLessThan(DEAD_CONTROLLER_BOUND_MS);
    console.log(`squeue against the stopped controller failed after ${squeue.ms} ms`);
  }, 90_000);
});
