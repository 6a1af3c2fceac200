import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMariaDb, type MariaDbServer } from '../../../tools/test-harness/mariadb.js';
import { startMoto, type MotoServer } from '../../../tools/test-harness/moto.js';
import { SLURM_ACCOUNTING_RESOURCE_TYPE } from '../src/index.js';
import { onEvent } from '../src/db-bootstrap/handler.js';
import type { OnEventRequest } from '../src/runtime/provider.js';
import { TEST_REGION, useAwsEndpoint } from './support/aws-env.js';
import { createEvent, deleteEvent, updateEvent } from './support/events.js';
import { captureLogs } from './support/logs.js';
import { describeWith } from './support/tools.js';

/** Planted in every password: it must never show up in a log line or an error. */
const CANARY = 'Canary-5d2e81';
const MASTER = { username: 'hpcmaster', password: `Master${CANARY}` };

/** The events CloudFormation sends for `Custom::SlurmAccountingDatabase` (the same function as EnginFrame's database). */
const accounting = (event: OnEventRequest): OnEventRequest => ({ ...event, ResourceType: SLURM_ACCOUNTING_RESOURCE_TYPE });

describeWith('mariadb', 'moto_server')('db-bootstrap: per-cluster Slurm accounting databases against MariaDB, secrets from moto_server', () => {
  let moto: MotoServer;
  let db: MariaDbServer;
  let restoreEnv: () => void;
  let sm: SecretsManagerClient;
  let logs: ReturnType<typeof captureLogs>;
  let masterArn: string;
  const passwordArns: Record<string, string> = {};
  const passwords: Record<string, string> = { cluster1: `One${CANARY}a`, cluster2: `Two${CANARY}a` };

  async function rootQuery(sql: string, values: unknown[] = []): Promise<unknown> {
    const c = await createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    try {
      return (await c.query(sql, values))[0];
    } finally {
      await c.end();
    }
  }

  /** What a slurmdbd of that cluster can do in `database`: create its tables (or the server's refusal code). */
  async function slurmdbdCan(id: string, password: string, database: string): Promise<string> {
    try {
      const c = await createConnection({ host: db.host, port: db.port, user: `slurm_${id}`, password, database });
      try {
        await c.query('CREATE TABLE IF NOT EXISTS probe_job_table (id INT)');
        await c.query('SELECT COUNT(*) FROM probe_job_table');
      } finally {
        await c.end();
      }
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  }

  const props = (id: 'cluster1' | 'cluster2', extra: Record<string, unknown> = {}) => ({
    MasterSecretArn: masterArn,
    PasswordSecretArn: passwordArns[id],
    UserName: `slurm_${id}`,
    DatabaseName: `hpcha_${id}`,
    Host: '127.0.0.1',
    Port: String(db.port),
    Tls: 'disabled',
    ...extra,
  });

  beforeAll(async () => {
    [moto, db] = await Promise.all([startMoto(), startMariaDb()]);
    restoreEnv = useAwsEndpoint(moto.endpoint);
    sm = new SecretsManagerClient({ region: TEST_REGION });
    await rootQuery('CREATE USER ?@? IDENTIFIED BY ?', [MASTER.username, '%', MASTER.password]);
    await rootQuery('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [MASTER.username, '%']);
    masterArn = (await sm.send(new CreateSecretCommand({ Name: 'hpc-ha/db/master', SecretString: JSON.stringify(MASTER) }))).ARN!;
    for (const id of ['cluster1', 'cluster2']) {
      // ParallelCluster's form: the password itself, as plain text.
      passwordArns[id] = (await sm.send(new CreateSecretCommand({ Name: `hpc-ha/slurm/${id}`, SecretString: passwords[id] }))).ARN!;
    }
    logs = captureLogs();
  });
  afterAll(async () => {
    logs?.restore();
    restoreEnv?.();
    await Promise.all([moto?.stop(), db?.stop()]);
  });

  it('Create gives each cluster its own database and a user that can use it and nothing else', async () => {
    for (const id of ['cluster1', 'cluster2'] as const) {
      const answer = await onEvent(accounting(createEvent(props(id))));
      expect(answer.PhysicalResourceId).toBe(`mysql://127.0.0.1:${db.port}/hpcha_${id}`);
      expect(answer.Data).toEqual({ DatabaseName: `hpcha_${id}`, UserName: `slurm_${id}` });
    }
    expect(await slurmdbdCan('cluster1', passwords['cluster1']!, 'hpcha_cluster1')).toBe('ok');
    expect(await slurmdbdCan('cluster2', passwords['cluster2']!, 'hpcha_cluster2')).toBe('ok');
    expect(await slurmdbdCan('cluster1', passwords['cluster1']!, 'hpcha_cluster2')).toBe('ER_DBACCESS_DENIED_ERROR');
    expect(await slurmdbdCan('cluster2', passwords['cluster2']!, 'hpcha_cluster1')).toBe('ER_DBACCESS_DENIED_ERROR');
    // `_` is a GRANT wildcard: the grant must not reach a database whose name differs only there.
    await rootQuery('CREATE DATABASE IF NOT EXISTS hpchaXcluster1');
    expect(await slurmdbdCan('cluster1', passwords['cluster1']!, 'hpchaXcluster1')).toBe('ER_DBACCESS_DENIED_ERROR');
    const grants = ((await rootQuery("SHOW GRANTS FOR 'slurm_cluster1'@'%'")) as Record<string, string>[]).map((g) => Object.values(g)[0]).join('\n');
    expect(grants).toMatch(/GRANT ALL PRIVILEGES ON `hpcha\\_cluster1`\.\* TO `slurm_cluster1`@`%`/);
    expect(grants).not.toMatch(/ON \*\.\* .*(ALL|SELECT)/);
  });

  it('Update sets the password the secret holds now (a rotated one); the old one stops working', async () => {
    const first = await onEvent(accounting(createEvent(props('cluster1'))));
    const old = passwords['cluster1']!;
    passwords['cluster1'] = `One${CANARY}b`;
    await sm.send(new PutSecretValueCommand({ SecretId: passwordArns['cluster1'], SecretString: passwords['cluster1'] }));
    const again = await onEvent(accounting(updateEvent(first.PhysicalResourceId!, props('cluster1'), props('cluster1'))));
    expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(await slurmdbdCan('cluster1', passwords['cluster1'], 'hpcha_cluster1')).toBe('ok');
    expect(await slurmdbdCan('cluster1', old, 'hpcha_cluster1')).toBe('ER_ACCESS_DENIED_ERROR');
  });

  it('refuses a JSON secret (the EnginFrame form, not what ParallelCluster reads) without showing it', async () => {
    const json = (await sm.send(new CreateSecretCommand({ Name: 'hpc-ha/slurm/json', SecretString: JSON.stringify({ password: `J${CANARY}` }) }))).ARN!;
    const failure = (await onEvent(accounting(createEvent(props('cluster2', { PasswordSecretArn: json })))).catch((e: Error) => e)) as Error;
    expect(failure.message).toBe(`Secret ${json} looks like JSON; ParallelCluster reads Database.PasswordSecretArn as the password itself (plain text)`);
  });

  it('bad properties fail with one error listing each: names that MySQL or ParallelCluster would refuse', async () => {
    const failure = (await onEvent(accounting(createEvent(props('cluster1', { UserName: 'slurm-cluster1', DatabaseName: 'Hpcha_Cluster1' })))).catch((e: Error) => e)) as Error;
    expect(failure.message).toBe(
      'Invalid Slurm accounting database: database "Hpcha_Cluster1" must match ^[0-9a-z_]{1,64}$; user "slurm-cluster1" must match ^[A-Za-z0-9_]{1,32}$',
    );
    await expect(onEvent(accounting(createEvent({ MasterSecretArn: masterArn })))).rejects.toThrow(
      /Invalid Slurm accounting database properties:\n {2}- PasswordSecretArn: is required\n {2}- UserName: is required\n {2}- DatabaseName: is required/,
    );
  });

  it('Delete keeps the records unless the deployment is disposable, then drops database and user', async () => {
    const created = await onEvent(accounting(createEvent(props('cluster2'))));
    await onEvent(accounting(deleteEvent(created.PhysicalResourceId!, props('cluster2'))));
    expect(await slurmdbdCan('cluster2', passwords['cluster2']!, 'hpcha_cluster2')).toBe('ok');
    await onEvent(accounting(deleteEvent(created.PhysicalResourceId!, props('cluster2', { Disposable: 'true' }))));
    expect(await rootQuery("SHOW DATABASES LIKE 'hpcha_cluster2'")).toHaveLength(0);
    expect(await rootQuery("SELECT User FROM mysql.user WHERE User = 'slurm_cluster2'")).toHaveLength(0);
    // The other cluster's database is untouched.
    expect(await slurmdbdCan('cluster1', passwords['cluster1']!, 'hpcha_cluster1')).toBe('ok');
  });

  it('no log line carries a password', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.join('\n')).not.toContain(CANARY);
  });
});
