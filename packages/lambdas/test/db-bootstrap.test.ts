import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { startMariaDb, type MariaDbServer } from '../../../tools/test-harness/mariadb.js';
import { startMoto, type MotoServer } from '../../../tools/test-harness/moto.js';
import { freePort } from '../../../tools/test-harness/ports.js';
import { onEvent } from '../src/db-bootstrap/handler.js';
import { TEST_REGION, useAwsEndpoint } from './support/aws-env.js';
import { createEvent, deleteEvent, lambdaContext, updateEvent } from './support/events.js';
import { forward } from './support/forward.js';
import { captureLogs } from './support/logs.js';
import { describeWith } from './support/tools.js';

/** Planted in the app-user password: it must never show up in a log line or an error. */
const CANARY = 'Canary-7f3a9c';
const MASTER = { username: 'hpcmaster', password: `Master-${CANARY}-pw'"\\` };

describeWith('mariadb', 'moto_server')('db-bootstrap handler against MariaDB, secrets from moto_server', () => {
  let moto: MotoServer;
  let db: MariaDbServer;
  let restoreEnv: () => void;
  let sm: SecretsManagerClient;
  let logs: ReturnType<typeof captureLogs>;
  let masterArn: string;
  let appArn: string;
  let appPassword = `App-${CANARY}-1`;

  async function rootQuery(sql: string, values: unknown[] = []): Promise<unknown> {
    const c = await createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    try {
      return (await c.query(sql, values))[0];
    } finally {
      await c.end();
    }
  }

  async function createMaster(server: MariaDbServer): Promise<void> {
    const c = await createConnection({ host: server.host, port: server.port, user: 'root', password: server.password });
    try {
      // Like Aurora's master user: may create databases and users and grant what it holds.
      await c.query('CREATE USER ?@? IDENTIFIED BY ?', [MASTER.username, '%', MASTER.password]);
      await c.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [MASTER.username, '%']);
    } finally {
      await c.end();
    }
  }

  function props(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { MasterSecretArn: masterArn, AppUserSecretArn: appArn, Host: '127.0.0.1', Port: String(db.port), Tls: 'disabled', ...extra };
  }

  beforeAll(async () => {
    [moto, db] = await Promise.all([startMoto(), startMariaDb()]);
    restoreEnv = useAwsEndpoint(moto.endpoint);
    sm = new SecretsManagerClient({ region: TEST_REGION });
    await createMaster(db);
    masterArn = (await sm.send(new CreateSecretCommand({ Name: 'hpc-ha/db/master', SecretString: JSON.stringify(MASTER) }))).ARN!;
    appArn = (
      await sm.send(
        new CreateSecretCommand({
          Name: 'hpc-ha/db/enginframe',
          SecretString: JSON.stringify({ username: 'efdb', password: appPassword, engine: 'mysql' }),
        }),
      )
    ).ARN!;
    logs = captureLogs();
  });
  afterAll(async () => {
    logs?.restore();
    restoreEnv?.();
    await Promise.all([moto?.stop(), db?.stop()]);
  });
  beforeEach(async () => {
    await rootQuery('DROP DATABASE IF EXISTS EnginFrameDB');
    await rootQuery("DROP USER IF EXISTS 'efdb'@'%'");
  });

  async function appCanUse(password: string): Promise<boolean> {
    try {
      const c = await createConnection({ host: db.host, port: db.port, user: 'efdb', password, database: 'EnginFrameDB' });
      await c.query('CREATE TABLE IF NOT EXISTS probe (id INT)');
      await c.end();
      return true;
    } catch {
      return false;
    }
  }

  it('Create makes EnginFrameDB (latin1) and a user limited to it, returning the names', async () => {
    const answer = await onEvent(createEvent(props()));
    expect(answer.PhysicalResourceId).toBe(`mysql://127.0.0.1:${db.port}/EnginFrameDB`);
    expect(answer.Data).toEqual({ DatabaseName: 'EnginFrameDB', UserName: 'efdb' });

    const [row] = (await rootQuery(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      ['EnginFrameDB'],
    )) as { cs: string }[];
    expect(row?.cs).toBe('latin1');
    expect(await appCanUse(appPassword)).toBe(true);
    const grants = (await rootQuery("SHOW GRANTS FOR 'efdb'@'%'")) as Record<string, string>[];
    const text = grants.map((g) => Object.values(g)[0]).join('\n');
    expect(text).toMatch(/ON `EnginFrameDB`\.\*/);
    expect(text).not.toMatch(/ON \*\.\*.*ALL/);
  });

  it('running again (Update) succeeds and sets the rotated password; the old one stops working', async () => {
    const first = await onEvent(createEvent(props()));
    const oldPassword = appPassword;
    appPassword = `App-${CANARY}-2`;
    await sm.send(
      new PutSecretValueCommand({ SecretId: appArn, SecretString: JSON.stringify({ username: 'efdb', password: appPassword }) }),
    );
    const again = await onEvent(updateEvent(first.PhysicalResourceId!, props(), props()));
    expect(again.PhysicalResourceId).toBe(first.PhysicalResourceId);
    const third = await onEvent(updateEvent(first.PhysicalResourceId!, props(), props()));
    expect(third.Data).toEqual(first.Data);
    expect(await appCanUse(appPassword)).toBe(true);
    expect(await appCanUse(oldPassword)).toBe(false);
  });

  it('waits for a database that starts accepting connections late (bounded backoff), then bootstraps it', async () => {
    const latePort = await freePort();
    const started = Date.now();
    const pending = onEvent(createEvent(props({ Port: String(latePort), MaxWaitSeconds: 60 })), lambdaContext(90_000));
    // Nothing listens yet: the handler sees ECONNREFUSED and retries.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const late = await startMariaDb();
    let proxy: { close(): Promise<void> } | undefined;
    try {
      await createMaster(late);
      proxy = await forward(latePort, late.port);
      const answer = await pending;
      expect(answer.Data).toEqual({ DatabaseName: 'EnginFrameDB', UserName: 'efdb' });
      expect(Date.now() - started).toBeGreaterThan(3_000);
      const c = await createConnection({ host: late.host, port: late.port, user: 'efdb', password: appPassword, database: 'EnginFrameDB' });
      await c.end();
      const retries = logs.entries().filter((e) => e['msg'] === 'database not reachable yet; retrying' && e['port'] === latePort);
      expect(retries.length).toBeGreaterThan(0);
      expect(retries.every((e) => e['error'] === 'ECONNREFUSED')).toBe(true);
    } finally {
      await proxy?.close();
      await pending.catch(() => undefined);
      await late.stop();
    }
  }, 90_000);

  it('gives up when the database never comes, within MaxWaitSeconds, saying how long it waited', async () => {
    const deadPort = await freePort();
    const started = Date.now();
    await expect(onEvent(createEvent(props({ Port: String(deadPort), MaxWaitSeconds: 5 })))).rejects.toThrow(
      new RegExp(`MySQL connect to 127\\.0\\.0\\.1:${deadPort} failed: the database did not accept connections within \\d+ s \\(\\d+ attempts\\); last error ECONNREFUSED`),
    );
    const took = Date.now() - started;
    expect(took).toBeGreaterThan(4_500);
    expect(took).toBeLessThan(10_000);
  });

  it('stays under the Lambda remaining time even when MaxWaitSeconds is longer', async () => {
    const deadPort = await freePort();
    const started = Date.now();
    // 9 s left, 5 s safety margin: about 4 s to work with.
    await expect(onEvent(createEvent(props({ Port: String(deadPort), MaxWaitSeconds: 600 })), lambdaContext(9_000))).rejects.toThrow(
      /did not accept connections/,
    );
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('a wrong master password fails at once (no retry) and the error does not carry it', async () => {
    const badArn = (
      await sm.send(
        new CreateSecretCommand({ Name: `bad-${Date.now()}`, SecretString: JSON.stringify({ username: 'hpcmaster', password: `Wrong-${CANARY}` }) }),
      )
    ).ARN!;
    const started = Date.now();
    const failure = await onEvent(createEvent(props({ MasterSecretArn: badArn }))).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/MySQL connect to 127\.0\.0\.1:\d+ as hpcmaster failed: ER_ACCESS_DENIED_ERROR/);
    expect((failure as Error).message).not.toContain(CANARY);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a statement the master may not run fails naming the statement, with no password in the error or its cause', async () => {
    await rootQuery('CREATE USER IF NOT EXISTS ?@? IDENTIFIED BY ?', ['weakmaster', '%', MASTER.password]);
    await rootQuery('GRANT ALL PRIVILEGES ON `EnginFrameDB`.* TO ?@?', ['weakmaster', '%']);
    const weakArn = (
      await sm.send(
        new CreateSecretCommand({ Name: `weak-${Date.now()}`, SecretString: JSON.stringify({ username: 'weakmaster', password: MASTER.password }) }),
      )
    ).ARN!;
    const failure = (await onEvent(createEvent(props({ MasterSecretArn: weakArn }))).catch((e: Error) => e)) as Error;
    expect(failure.message).toMatch(/^MySQL statement 3 of 5 \(CREATE USER \.\.\.\) failed: ER_SPECIFIC_ACCESS_DENIED_ERROR: /);
    const everything = JSON.stringify({ message: failure.message, cause: failure.cause, stack: failure.stack });
    expect(everything).not.toContain(CANARY);
  });

  it('a statement blocked by a lock another session holds fails within StatementTimeoutSeconds, naming it and the wait', async () => {
    // A backup's global read lock, held from another session: CREATE DATABASE (statement 1) cannot proceed.
    const holder = await createConnection({ host: db.host, port: db.port, user: 'root', password: db.password });
    const started = Date.now();
    let failure: Error | undefined;
    try {
      await holder.query('FLUSH TABLES WITH READ LOCK');
      failure = (await onEvent(createEvent(props({ StatementTimeoutSeconds: '2' })), lambdaContext(60_000)).catch((e: Error) => e)) as Error;
      expect(failure).toBeInstanceOf(Error);
      expect(failure.message).toMatch(
        /^MySQL statement 1 of 5 \(CREATE DATABASE \.\.\.\) did not finish within 2 s: the server says it is "Waiting for [a-z ]*lock" \(for \d+ s\); it was cancelled\. Another session holds a lock/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      // Cancelled on the server, not left queued behind the lock (a queued waiter would block other sessions too).
      const waiting = (await rootQuery(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ? AND INFO LIKE 'CREATE DATABASE%'",
        [MASTER.username],
      )) as unknown[];
      expect(waiting).toHaveLength(0);
    } finally {
      await holder.query('UNLOCK TABLES').catch(() => undefined);
      await holder.end();
    }
    expect(JSON.stringify({ message: failure?.message, cause: failure?.cause })).not.toContain(CANARY);
    // Once the lock is gone the same request succeeds.
    const answer = await onEvent(createEvent(props({ StatementTimeoutSeconds: '2' })));
    expect(answer.Data).toEqual({ DatabaseName: 'EnginFrameDB', UserName: 'efdb' });
  });

  it('Tls "required" (the default) refuses a server without TLS instead of falling back to plain text', async () => {
    const { Tls: _ignored, ...withoutTls } = props();
    const failure = await onEvent(createEvent(withoutTls)).catch((e: Error) => e);
    expect((failure as Error).message).toMatch(/MySQL connect to 127\.0\.0\.1:\d+ as hpcmaster failed: HANDSHAKE_NO_SSL_SUPPORT/);
  });

  it('reads both secrets through Secrets Manager and names a malformed one without showing it', async () => {
    const broken = (
      await sm.send(new CreateSecretCommand({ Name: `broken-${Date.now()}`, SecretString: JSON.stringify({ username: 'efdb', pass: CANARY }) }))
    ).ARN!;
    const failure = await onEvent(createEvent(props({ AppUserSecretArn: broken }))).catch((e: Error) => e);
    expect((failure as Error).message).toBe(`Secret ${broken} lacks a non-empty string "password"`);
    const missing = await onEvent(createEvent(props({ AppUserSecretArn: 'hpc-ha/no-such-secret' }))).catch((e: Error) => e);
    expect((missing as Error).message).toMatch(/^Secrets Manager GetSecretValue failed: ResourceNotFoundException: /);
  });

  it('Delete leaves the data alone unless the deployment is disposable', async () => {
    const created = await onEvent(createEvent(props()));
    await onEvent(deleteEvent(created.PhysicalResourceId!, props()));
    expect(await appCanUse(appPassword)).toBe(true);

    await onEvent(deleteEvent(created.PhysicalResourceId!, props({ Disposable: 'true' })));
    const dbs = (await rootQuery("SHOW DATABASES LIKE 'EnginFrameDB'")) as unknown[];
    expect(dbs).toHaveLength(0);
    const users = (await rootQuery("SELECT User FROM mysql.user WHERE User = 'efdb'")) as unknown[];
    expect(users).toHaveLength(0);
  });

  it('bad properties fail with one error listing each', async () => {
    await expect(onEvent(createEvent({ MasterSecretArn: 'x y', Port: '70000', DatabaseName: 'bad-name', Tls: 'maybe' }))).rejects.toThrow(
      /Invalid database bootstrap properties:\n {2}- AppUserSecretArn: is required\n {2}- MasterSecretArn: must be a Secrets Manager secret ARN or name\n {2}- Port: .*\n {2}- DatabaseName: .*\n {2}- Tls: must be one of "required", "disabled", got "maybe"/,
    );
  });

  it('no log line carries a password', () => {
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.join('\n')).not.toContain(CANARY);
    for (const entry of logs.entries()) expect(entry['handler']).toBe('db-bootstrap');
  });
});
