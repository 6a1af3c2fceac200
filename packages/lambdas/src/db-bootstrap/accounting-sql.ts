import type { Statement } from './statements.js';

export interface SlurmAccountingSqlOptions {
  /** ParallelCluster's DatabaseName rule: `^[0-9a-z_]{1,64}$`. */
  database: string;
  /** MySQL 8 user names: at most 32 characters. */
  user: string;
  /** MySQL account host part; `%` unless given. */
  userHost?: string;
}

const DATABASE = /^[0-9a-z_]{1,64}$/;
const USER = /^[A-Za-z0-9_]{1,32}$/;
const USER_HOST = /^[A-Za-z0-9_.%:/-]{1,255}$/;

const identifier = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * SQL for one cluster's accounting: its database (slurmdbd creates the tables itself) and a user with every privilege
 * on that database and none elsewhere, so one cluster's slurmdbd can neither read nor damage the other's records.
 * `_` is a wildcard in a GRANT's database name, so it is escaped: `hpcha_cluster1` must not also match `hpchaXcluster1`.
 * Safe to run again; the password (bound to the `?`s) is always set to the latest. MySQL 8 and MariaDB syntax alike.
 */
export function slurmAccountingSql(opts: SlurmAccountingSqlOptions, password: string): Statement[] {
  const userHost = opts.userHost ?? '%';
  const problems = [
    DATABASE.test(opts.database) ? '' : `database "${opts.database}" must match ${DATABASE.source}`,
    USER.test(opts.user) ? '' : `user "${opts.user}" must match ${USER.source}`,
    USER_HOST.test(userHost) ? '' : `user host "${userHost}" is not a MySQL host pattern`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`Invalid Slurm accounting database: ${problems.join('; ')}`);
  const account = `${literal(opts.user)}@${literal(userHost)}`;
  return [
    { sql: `CREATE DATABASE IF NOT EXISTS ${identifier(opts.database)}`, values: [] },
    { sql: `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ?`, values: [password] },
    { sql: `ALTER USER ${account} IDENTIFIED BY ?`, values: [password] },
    { sql: `GRANT ALL PRIVILEGES ON ${identifier(opts.database.replace(/_/g, '\\_'))}.* TO ${account}`, values: [] },
  ];
}

/** What Delete of a disposable deployment runs. */
export function dropSlurmAccountingSql(opts: SlurmAccountingSqlOptions): Statement[] {
  return [
    { sql: `DROP DATABASE IF EXISTS ${identifier(opts.database)}`, values: [] },
    { sql: 'DROP USER IF EXISTS ?@?', values: [opts.user, opts.userHost ?? '%'] },
  ];
}
