import { createConnection } from 'mysql2/promise';

/** A MySQL/MariaDB account to connect as (tests only; the password never goes on a command line). */
export interface SqlAccount {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

/** Runs statements in order on one connection, values bound to the `?`s; returns each statement's rows. */
export async function runSql(account: SqlAccount, statements: readonly { sql: string; values?: readonly unknown[] }[]): Promise<unknown[]> {
  const c = await createConnection({ ...account, multipleStatements: false });
  try {
    const out: unknown[] = [];
    for (const st of statements) out.push((await c.query(st.sql, st.values ? [...st.values] : []))[0]);
    return out;
  } finally {
    await c.end();
  }
}

/** The server's error code for a statement (e.g. ER_DBACCESS_DENIED_ERROR), or `ok` when it ran. */
export async function sqlOutcome(account: SqlAccount, sql: string): Promise<string> {
  try {
    await runSql(account, [{ sql }]);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
