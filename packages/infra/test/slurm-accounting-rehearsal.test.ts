/**
 * The Slurm rehearsal with accounting (`accounting.enabled`): Debian's real slurmdbd for each cluster, on the test
 * MariaDB, with the database, user and grants db-bootstrap creates (its own SQL, `slurmAccountingSql`). Both
 * clusters' head-node scripts run against their live slurmctld and publish the client slurm.conf a portal node copies;
 * sacct on the portal host (its own view: no slurm account, its own munged) answers for each cluster from that file.
 *
 * As in slurm-rehearsal.test.ts, Slurm here is Debian 12's 22.05 on both sides and the server configs stand in for
 * ParallelCluster's (slurmdbd.conf with DbdHost = the head node, StorageLoc = the cluster's database). The portal's
 * own client install is that suite's subject; here the portal host runs Debian's client binaries.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newMungeKey, slurmAccountingSql } from '@hpc-ha/lambdas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterArtifacts, placeholderValues } from '../src/artifacts/index.js';
import { accountingDatabases } from '../src/config/index.js';
import { startMariaDb, type MariaDbServer } from '../../../tools/test-harness/mariadb.js';
import { runSql, sqlOutcome, type SqlAccount } from '../../../tools/test-harness/sql-session.js';
import { accountingMissing, rehearsalMissing, startSlurmClusters, type RunResult, type SlurmRehearsal } from '../../../tools/test-harness/slurm/index.js';
import { mariaDbAvailable } from '../../../tools/test-harness/mariadb.js';
import { variantConfig } from './support/synth.js';

const inCi = process.env['CI'] === 'true';
const missing = [...rehearsalMissing(), ...accountingMissing(), ...(mariaDbAvailable() ? [] : ['mariadb'])];
if (inCi && missing.length) throw new Error(`CI=true but the accounting rehearsal lacks: ${missing.join(', ')}`);

/** This suite's ports (17200-17299 on a shared machine) and its own test user. */
const BASE_PORT = 17200;
const TEST_USER = 'hpchaacct23';
const WAIT_MS = 60_000;
/** slurmctld retries a lost slurmdbd on its own schedule; its queued records must arrive within this. */
const REPLAY_BOUND_MS = 120_000;

const config = variantConfig('cn-north-1', { 'accounting.enabled': true });
const [cluster1, cluster2] = clusterArtifacts(config, placeholderValues(config));
const databases = accountingDatabases(config);

describe.skipIf(missing.length > 0)('Slurm accounting rehearsal: a real slurmdbd per cluster on MariaDB, sacct from the portal', () => {
  let db: MariaDbServer;
  let rehearsal: SlurmRehearsal;
  let jobs: string;
  const passwords = databases.map(() => randomBytes(16).toString('hex'));
  const account = (i: number, database?: string): SqlAccount => ({
    host: db.host,
    port: db.port,
    user: databases[i]!.userName,
    password: passwords[i]!,
    ...(database ? { database } : {}),
  });

  /** A Slurm client command on the portal host, as the test user, against one cluster's published client config. */
  const portal = (i: number, argv: string[]): RunResult =>
    rehearsal.portal.run([`/usr/bin/${argv[0]}`, ...argv.slice(1)], { user: rehearsal.testUser, env: { SLURM_CONF: rehearsal.clusters[i]!.clientConf }, cwd: jobs });

  const submit = (i: number, name: string): string => {
    const r = portal(i, ['sbatch', '--parsable', `--job-name=${name}`, `--chdir=${jobs}`, `--output=${jobs}/%x-%j.out`, '--wrap=echo "$SLURM_CLUSTER_NAME"']);
    expect(r.status, `sbatch failed:\n${r.stderr}`).toBe(0);
    return r.stdout.trim().split(';')[0]!;
  };

  /** What sacct on the portal says about one job (`<id>|<state>|<user>|<cluster>`), or its error. */
  const sacct = (i: number, job: string): RunResult => portal(i, ['sacct', '-n', '-X', '-P', '-j', job, '-o', 'JobID,State,User,Cluster']);

  const until = async (what: string, boundMs: number, probe: () => string | undefined): Promise<number> => {
    const started = Date.now();
    let last = '';
    while (Date.now() - started < boundMs) {
      const r = probe();
      if (r === undefined) return Date.now() - started;
      last = r;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`${what} did not happen within ${boundMs} ms (last: ${last})`);
  };

  const sacctShows = (i: number, job: string) => () => {
    const r = sacct(i, job);
    const want = `${job}|COMPLETED|${TEST_USER}|${rehearsal.clusters[i]!.name}`;
    return r.stdout.trim() === want ? undefined : `${r.stdout.trim()} ${r.stderr.trim()}`;
  };

  beforeAll(async () => {
    db = await startMariaDb();
    const root: SqlAccount = { host: db.host, port: db.port, user: 'root', password: db.password };
    // What db-bootstrap runs for each cluster (Custom::SlurmAccountingDatabase), with the cluster's password.
    for (const [i, d] of databases.entries()) {
      await runSql(root, slurmAccountingSql({ database: d.databaseName, user: d.userName }, passwords[i]!));
    }
    rehearsal = await startSlurmClusters({
      clusters: [cluster1!, cluster2!].map((c) => ({ name: c.spec.clusterName, headNodeScript: c.headNodeScript! })),
      mungeKeyBase64: newMungeKey(),
      basePort: BASE_PORT,
      testUser: TEST_USER,
      accounting: databases.map((d, i) => ({ host: db.host, port: db.port, user: d.userName, password: passwords[i]!, database: d.databaseName })),
    });
    await rehearsal.startPortalMunged();
    jobs = join(rehearsal.dir, 'jobs');
    mkdirSync(jobs, { mode: 0o755 });
    chownSync(jobs, rehearsal.testUser.uid, rehearsal.testUser.gid);
  }, 180_000);

  afterAll(async () => {
    await rehearsal?.stop();
    await db?.stop();
  }, 90_000);

  it('each head node publishes its slurmdbd at its own address, so sacct on the portal can reach it', () => {
    for (const c of rehearsal.clusters) {
      expect(c.headNodeRun.status, c.headNodeRun.stderr).toBe(0);
      expect(readFileSync(c.clientConf, 'utf8')).toContain(
        `\nAccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=127.0.0.1\nAccountingStoragePort=${c.dbdPort}\n`,
      );
      expect(c.headNodeRun.stderr).toContain(`slurmdbd 127.0.0.1:${c.dbdPort}`);
    }
  });

  it('jobs on both clusters appear, finished, in sacct run on the portal host for each cluster', async () => {
    for (const i of [0, 1]) {
      const job = submit(i, `acct-${i + 1}`);
      const ms = await until(`job ${job} in sacct of ${rehearsal.clusters[i]!.name}`, WAIT_MS, sacctShows(i, job));
      console.log(`sacct on the portal showed job ${job} of cluster ${i + 1} completed after ${ms} ms`);
      // Each cluster's records are its own: the other cluster's sacct does not know the job.
      expect(sacct(1 - i, job).stdout).not.toContain(`|${rehearsal.clusters[i]!.name}`);
    }
  }, 150_000);

  it("one cluster's database user cannot read the other cluster's database; it can read its own", async () => {
    const [own, other] = [databases[0]!, databases[1]!];
    const jobTable = (d: typeof own) => `\`${d.databaseName}\`.\`${d.clusterName}_job_table\``;
    const mine = (await runSql(account(0), [{ sql: `SELECT COUNT(*) AS n FROM ${jobTable(own)}` }]))[0] as { n: number }[];
    expect(Number(mine[0]!.n)).toBeGreaterThan(0);
    expect(await sqlOutcome(account(0), `SELECT COUNT(*) FROM ${jobTable(other)}`)).toBe('ER_TABLEACCESS_DENIED_ERROR');
    expect(await sqlOutcome(account(0, other.databaseName), 'SELECT 1')).toBe('ER_DBACCESS_DENIED_ERROR');
    expect(await sqlOutcome(account(1, own.databaseName), 'SELECT 1')).toBe('ER_DBACCESS_DENIED_ERROR');
    const visible = (await runSql(account(0), [{ sql: 'SHOW DATABASES' }]))[0] as Record<string, string>[];
    expect(visible.map((r) => Object.values(r)[0]).filter((n) => n !== 'information_schema')).toEqual([own.databaseName]);
  });

  it('with slurmdbd stopped, jobs still run; their records arrive after it restarts', async () => {
    const c = rehearsal.clusters[0]!;
    await c.stopSlurmdbd();
    const job = submit(0, 'acct-offline');
    await until(`job ${job} to finish without slurmdbd`, WAIT_MS, () => {
      const r = portal(0, ['squeue', '-h', '-t', 'all', '-j', job, '-o', '%T']);
      return r.stdout.trim() === 'COMPLETED' ? undefined : `${r.stdout.trim()} ${r.stderr.trim()}`;
    });
    expect(readFileSync(join(jobs, `acct-offline-${job}.out`), 'utf8')).toBe(`${c.name}\n`);
    const offline = sacct(0, job);
    expect(offline.stdout).not.toContain(`${job}|COMPLETED`);
    // The other cluster's accounting is unaffected.
    const other = submit(1, 'acct-other');
    await until(`job ${other} in sacct of cluster 2 while cluster 1's slurmdbd is down`, WAIT_MS, sacctShows(1, other));

    await c.startSlurmdbd();
    const ms = await until(`job ${job}'s record after slurmdbd restarted`, REPLAY_BOUND_MS, sacctShows(0, job));
    console.log(`the record of job ${job}, run while slurmdbd was down, reached sacct ${ms} ms after slurmdbd restarted`);
  }, REPLAY_BOUND_MS + 2 * WAIT_MS + 30_000);
});
