import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mariaDbAvailable, startMariaDb, type MariaDbServer } from '../../../tools/test-harness/mariadb.js';
import { bootstrapSql, jdbcUrl, SpecValidationError } from '../src/index.js';

const inCi = process.env['CI'] === 'true';
const haveDb = mariaDbAvailable();
if (inCi && !haveDb) throw new Error('CI=true but MariaDB (mariadbd, mariadb-install-db) is not installed');

describe('bootstrapSql (statement shape)', () => {
  it('binds the password instead of splicing it, and names the database exactly', () => {
    const statements = bootstrapSql({ database: 'EnginFrameDB', user: 'efdb' });
    expect(statements.map((s) => s.sql)).toEqual([
      'CREATE DATABASE IF NOT EXISTS `EnginFrameDB` DEFAULT CHARACTER SET latin1',
      'ALTER DATABASE `EnginFrameDB` DEFAULT CHARACTER SET latin1',
      "CREATE USER IF NOT EXISTS 'efdb'@'%' IDENTIFIED BY ?",
      "ALTER USER 'efdb'@'%' IDENTIFIED BY ?",
      "GRANT ALL PRIVILEGES ON `EnginFrameDB`.* TO 'efdb'@'%'",
    ]);
    for (const s of statements) expect(s.params.length).toBe((s.sql.match(/\?/g) ?? []).length);
  });

  it('rejects unsafe names with one error naming every field', () => {
    let error: unknown;
    try {
      bootstrapSql({ database: 'x`; DROP', user: "a'b", userHost: "h'" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecValidationError);
    expect((error as SpecValidationError).problems.map((p) => p.path)).toEqual(['/database', '/user', '/userHost']);
  });
});

describe('jdbcUrl', () => {
  it('builds a Connector/J URL with defaults and encoded parameters', () => {
    expect(jdbcUrl({ host: 'db.example.internal' })).toBe('jdbc:mysql://db.example.internal:3306/EnginFrameDB');
    expect(jdbcUrl({ host: 'h', port: 3307, database: 'D', params: { sslMode: 'REQUIRED', connectionAttributes: 'a:b c' } })).toBe(
      'jdbc:mysql://h:3307/D?sslMode=REQUIRED&connectionAttributes=a%3Ab%20c',
    );
  });
  it('passes deploy-time hosts through untouched', () => {
    expect(jdbcUrl({ host: '${Token[TOKEN.42]}' })).toBe('jdbc:mysql://${Token[TOKEN.42]}:3306/EnginFrameDB');
    expect(jdbcUrl({ host: '<DbEndpoint>' })).toBe('jdbc:mysql://<DbEndpoint>:3306/EnginFrameDB');
  });
  it('rejects a host with a path or spaces', () => {
    expect(() => jdbcUrl({ host: 'a b' })).toThrow(/\/host/);
    expect(() => jdbcUrl({ host: 'h', port: 0 })).toThrow(/\/port/);
  });
});

describe.skipIf(!haveDb)('bootstrapSql on a real MariaDB server', () => {
  let server: MariaDbServer;
  let root: mysql.Connection;
  const run = async (sqlOpts: Parameters<typeof bootstrapSql>[0], password: string): Promise<void> => {
    for (const statement of bootstrapSql(sqlOpts)) await root.query(statement.sql, statement.params.map(() => password));
  };
  const connectAs = (user: string, password: string, database?: string) =>
    mysql.createConnection({ host: server.host, port: server.port, user, password, ...(database ? { database } : {}) });

  beforeAll(async () => {
    server = await startMariaDb();
    root = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  });
  afterAll(async () => {
    await root?.end();
    await server?.stop();
  });

  it('runs twice; the user then works in EnginFrameDB only, with the latest password', async () => {
    const first = "first'pa\\ss\"word;--";
    const latest = 'Latest-Pa$$w0rd:=#!';
    await run({ database: 'EnginFrameDB', user: 'efdb' }, first);
    await run({ database: 'EnginFrameDB', user: 'efdb' }, latest);

    await expect(connectAs('efdb', first)).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    const app = await connectAs('efdb', latest, 'EnginFrameDB');
    try {
      await app.query('CREATE TABLE hpc_ha_probe (id INT PRIMARY KEY, note VARCHAR(40))');
      await app.query('INSERT INTO hpc_ha_probe VALUES (1, ?)', ['ok']);
      const [rows] = await app.query('SELECT note FROM hpc_ha_probe');
      expect(rows).toEqual([{ note: 'ok' }]);
      await app.query('DROP TABLE hpc_ha_probe');
      await expect(app.query('SELECT user FROM mysql.user')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
      await expect(app.query('CREATE DATABASE other_db')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    } finally {
      await app.end();
    }

    const [charset] = await root.query(
      "SELECT DEFAULT_CHARACTER_SET_NAME AS cs FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'EnginFrameDB'",
    );
    expect(charset).toEqual([{ cs: 'latin1' }]);
  });

  it('treats _ in the database name literally when granting', async () => {
    await run({ database: 'ef_db', user: 'efunder' }, 'Under-Score-1');
    await root.query('CREATE DATABASE IF NOT EXISTS efxdb');
    const app = await connectAs('efunder', 'Under-Score-1');
    try {
      await app.query('CREATE TABLE ef_db.t1 (id INT)');
      await expect(app.query('CREATE TABLE efxdb.t1 (id INT)')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    } finally {
      await app.end();
    }
  });
});
