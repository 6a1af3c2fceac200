import { isDeployTimeValue } from '@hpc-ha/portal-node';
import { SpecValidationError, type SpecProblem } from '@hpc-ha/portal-node';

/** Input of {@link bootstrapSql}. */
export interface BootstrapSqlOptions {
  database: string;
  user: string;
  /** MySQL account host part; `%` (any host) unless given. */
  userHost?: string;
}

/** One statement; each `?` is bound, in order, to the value named in `params`. */
export interface SqlStatement {
  sql: string;
  params: readonly 'password'[];
}

const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const USER_NAME = /^[A-Za-z0-9_]{1,32}$/;
const USER_HOST = /^[A-Za-z0-9_.%:/-]{1,255}$/;

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** In GRANT ... ON db.*, `_` and `%` are wildcards; escaping them grants on exactly this database. */
function quoteGrantDatabase(name: string): string {
  return quoteIdentifier(name.replace(/([_%])/g, '\\$1'));
}

/**
 * SQL that creates the EnginFrame database (latin1, as EnginFrame needs on MySQL 8) and a user with
 * privileges on that database only. Safe to run again: the second run changes nothing but the password,
 * which is always set to the bound value. Only syntax accepted by both MySQL 8 and MariaDB 10.x is used;
 * the deprecated `GRANT ... IDENTIFIED BY` form is avoided.
 */
export function bootstrapSql(opts: BootstrapSqlOptions): SqlStatement[] {
  const userHost = opts.userHost ?? '%';
  const problems: SpecProblem[] = [];
  if (typeof opts.database !== 'string' || !DATABASE_NAME.test(opts.database))
    problems.push({ path: '/database', message: 'must match ^[A-Za-z0-9_]{1,64}$' });
  if (typeof opts.user !== 'string' || !USER_NAME.test(opts.user))
    problems.push({ path: '/user', message: 'must match ^[A-Za-z0-9_]{1,32}$' });
  if (typeof userHost !== 'string' || !USER_HOST.test(userHost))
    problems.push({ path: '/userHost', message: 'must be a MySQL host pattern (letters, digits, . % _ : / -)' });
  if (problems.length > 0) throw new SpecValidationError('bootstrap SQL options', problems);

  const db = quoteIdentifier(opts.database);
  const account = `${quoteString(opts.user)}@${quoteString(userHost)}`;
  return [
    { sql: `CREATE DATABASE IF NOT EXISTS ${db} DEFAULT CHARACTER SET latin1`, params: [] },
    // A database created earlier by someone else may have another default charset.
    { sql: `ALTER DATABASE ${db} DEFAULT CHARACTER SET latin1`, params: [] },
    { sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ?`, params: ['password'] },
    // CREATE USER IF NOT EXISTS leaves an existing password alone; this sets the latest one.
    { sql: `ALTER USER ${account} IDENTIFIED BY ?`, params: ['password'] },
    { sql: `GRANT ALL PRIVILEGES ON ${quoteGrantDatabase(opts.database)}.* TO ${account}`, params: [] },
  ];
}

/** Input of {@link jdbcUrl}. `host` may be a deploy-time value (CDK token or `<Placeholder>`). */
export interface JdbcUrlOptions {
  host: string;
  port?: number;
  database?: string;
  /** Connector/J URL parameters, emitted in the given order. */
  params?: Readonly<Record<string, string>>;
}

const HOST = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\[[0-9A-Fa-f:.]+\]$/;

/** A MySQL Connector/J URL: `jdbc:mysql://host:port/database[?k=v&...]`. */
export function jdbcUrl(opts: JdbcUrlOptions): string {
  const port = opts.port ?? 3306;
  const database = opts.database ?? 'EnginFrameDB';
  const problems: SpecProblem[] = [];
  if (typeof opts.host !== 'string' || !(isDeployTimeValue(opts.host) || HOST.test(opts.host)))
    problems.push({ path: '/host', message: 'must be a hostname, an IPv4 address, a [IPv6] address or a deploy-time value' });
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push({ path: '/port', message: 'must be an integer 1-65535' });
  if (!DATABASE_NAME.test(database)) problems.push({ path: '/database', message: 'must match ^[A-Za-z0-9_]{1,64}$' });
  for (const key of Object.keys(opts.params ?? {}))
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(key)) problems.push({ path: `/params/${key}`, message: 'is not a Connector/J property name' });
  if (problems.length > 0) throw new SpecValidationError('JDBC URL options', problems);

  const query = Object.entries(opts.params ?? {})
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return `jdbc:mysql://${opts.host}:${port}/${database}${query ? `?${query}` : ''}`;
}
