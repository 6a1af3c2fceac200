/**
 * Open OnDemand's cluster files against real Slurm: the Open OnDemand example's own head-node scripts publish to two
 * real slurmctld/slurmd clusters on 127.0.0.1 (tools/test-harness/slurm, the job-path rehearsal), Open OnDemand node
 * 1's bootstrap runs its cluster step (sync_clusters: client configs, the local Slurm client, the clusters.d files),
 * and then each clusters.d file is read the way Open OnDemand's Slurm adapter (ood_core) reads it: `bin` (or a
 * `bin_overrides` entry) names sbatch, `conf` becomes SLURM_CONF, `cluster` adds `-M`, the script goes to stdin with
 * `--export NONE --parsable`. The job must run, as an unprivileged user, on the cluster the file names.
 *
 * Stubbed, because they are AWS: the NFS mount of the head node's /opt/slurm (a bind mount of the same directory).
 */
import { chownSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newMungeKey } from '@hpc-ha/lambdas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterArtifacts, placeholderValues } from '../src/artifacts/index.js';
import { loadDeploymentConfig } from '../src/config/index.js';
import { rehearsalMissing, startSlurmClusters, type RunResult, type SlurmRehearsal } from '../../../tools/test-harness/slurm/index.js';
import { runOodPortalSteps } from './support/ondemand-portal-step.js';
import { REPO_ROOT } from './support/synth.js';

const inCi = process.env['CI'] === 'true';
const missing = rehearsalMissing();
if (inCi && missing.length) throw new Error(`CI=true but the Slurm rehearsal lacks: ${missing.join(', ')}`);

/** This suite's ports (17000-17099 on a shared machine) and its own test user. */
const BASE_PORT = 17000;
const TEST_USER = 'hpchaood16';
const JOB_WAIT_MS = 30_000;

const config = loadDeploymentConfig(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'));
const values = placeholderValues(config);
const [cluster1, cluster2] = clusterArtifacts(config, values);
const MUNGE_KEY = newMungeKey();

/** What ood_core's Slurm adapter reads from a cluster file's v2.job. */
interface SlurmJobConfig {
  adapter: string;
  bin?: string;
  conf?: string;
  cluster?: string;
  bin_overrides?: Record<string, string>;
  copy_environment?: boolean;
}

describe.skipIf(missing.length > 0)('Open OnDemand cluster files submit to real Slurm clusters (job-path rehearsal)', () => {
  let rehearsal: SlurmRehearsal;
  let portalRoot: string;
  let step: RunResult;
  let jobs: string;

  /** A Slurm client call exactly as ood_core makes it from a cluster file (argv, SLURM_CONF, -M), as the test user. */
  const call = (job: SlurmJobConfig, command: string, args: string[], input?: string): RunResult => {
    const bin = job.bin_overrides?.[command] ?? join(job.bin ?? '', command);
    return rehearsal.portal.run([join(portalRoot, bin), ...args, ...(job.cluster ? ['-M', job.cluster] : [])], {
      user: rehearsal.testUser,
      env: job.conf ? { SLURM_CONF: join(portalRoot, job.conf) } : {},
      cwd: jobs,
      ...(input !== undefined ? { input } : {}),
    });
  };

  beforeAll(async () => {
    rehearsal = await startSlurmClusters({
      clusters: [cluster1!, cluster2!].map((c) => ({ name: c.spec.clusterName, headNodeScript: c.headNodeScript! })),
      mungeKeyBase64: MUNGE_KEY,
      basePort: BASE_PORT,
      testUser: TEST_USER,
    });
    portalRoot = rehearsal.portal.root;
    step = runOodPortalSteps(rehearsal, config, values, ['sync_clusters']);
    await rehearsal.startPortalMunged();
    jobs = join(rehearsal.dir, 'ood-jobs');
    mkdirSync(jobs, { mode: 0o755 });
    chownSync(jobs, rehearsal.testUser.uid, rehearsal.testUser.gid);
  }, 150_000);

  afterAll(async () => {
    await rehearsal?.stop();
  }, 60_000);

  it('the node’s cluster step writes one clusters.d file per cluster, each naming its head node', () => {
    expect(step.status, `${step.stdout}${step.stderr}`).toBe(0);
    const files = readdirSync(join(portalRoot, 'etc/ood/config/clusters.d')).sort();
    expect(files).toEqual(rehearsal.clusters.map((c) => `${c.name}.yml`).sort());
    for (const c of rehearsal.clusters) {
      const file = parse(readFileSync(join(portalRoot, 'etc/ood/config/clusters.d', `${c.name}.yml`), 'utf8'));
      expect(file.v2.login.host).toBe('127.0.0.1');
      expect(readFileSync(join(portalRoot, file.v2.job.conf), 'utf8')).toBe(readFileSync(c.clientConf, 'utf8'));
    }
  });

  it('each file’s Slurm settings submit a job that runs on that cluster as the user, through ood_core’s call', async () => {
    for (const c of rehearsal.clusters) {
      const job = parse(readFileSync(join(portalRoot, 'etc/ood/config/clusters.d', `${c.name}.yml`), 'utf8')).v2.job as SlurmJobConfig;
      expect(job.adapter).toBe('slurm');
      const submitted = call(
        job,
        'sbatch',
        ['-J', `ood-${c.name}`, '-D', jobs, '-o', `${jobs}/%x-%j.out`, '--export', 'NONE', '--parsable'],
        '#!/bin/sh\necho "$SLURM_CLUSTER_NAME $(id -un)"\n',
      );
      expect(submitted.status, submitted.stderr).toBe(0);
      const id = submitted.stdout.trim().split(';')[0]!;
      expect(id).toMatch(/^\d+$/);
      const deadline = Date.now() + JOB_WAIT_MS;
      let state = '';
      while (Date.now() < deadline) {
        const q = call(job, 'squeue', ['-h', '-t', 'all', '-j', id, '-o', '%T']);
        state = q.stdout.trim();
        if (state === 'COMPLETED') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(state, `job ${id} on ${c.name}`).toBe('COMPLETED');
      expect(readFileSync(join(jobs, `ood-${c.name}-${id}.out`), 'utf8').trim()).toBe(`${c.name} ${TEST_USER}`);
    }
  }, 90_000);
});
