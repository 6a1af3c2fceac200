import type { Connection } from 'mysql2/promise';
import type { Deadline } from '../runtime/deadline.js';
import type { Logger } from '../runtime/log.js';
import { mysqlErrorText, redactSql } from './connect.js';

export interface Statement {
  sql: string;
  values: string[];
}

export interface RunOptions {
  /** Longest one statement may run, ms; the deadline cuts it shorter when the Lambda has less time left. */
  statementTimeoutMs: number;
  deadline: Deadline;
  log: Logger;
  /** A second session on the same server, to see what a stuck statement waits for and to cancel it. */
  openSide: (timeoutMs: number) => Promise<Connection>;
}

/** Left for looking at a stuck statement and cancelling it, after its own time is up. */
const DIAGNOSE_MS = 4_000;
/** The server gives up a lock wait this long after the client did, so a Lambda killed mid-wait leaves no waiter behind. */
const SERVER_GRACE_S = 5;
/** The answer mysql2 gives when a query's client-side timeout fires. */
const CLIENT_TIMEOUT = 'PROTOCOL_SEQUENCE_TIMEOUT';
const LOCK_WAIT_TIMEOUT = new Set(['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK']);

interface MysqlError {
  code?: string;
}

/**
 * Runs the statements in order on `connection`, each with a timeout well inside the Lambda's: a statement that
 * waits for a lock another session holds (a backup's FLUSH TABLES WITH READ LOCK, a long transaction on the grant
 * tables) fails naming the statement and what the server says it waits for, instead of running until Lambda kills
 * the function with "Task timed out". The statement is cancelled on the server, so no waiter is left queued.
 * Error messages name the statement by its first two words only: the text carries the bound password.
 */
export async function runStatements(connection: Connection, statements: readonly Statement[], opts: RunOptions): Promise<void> {
  // Server-side bound as well: innodb_lock_wait_timeout for row locks, lock_wait_timeout for metadata locks
  // (CREATE DATABASE, CREATE USER and GRANT take those). Both are session variables in MySQL 8 and MariaDB.
  const serverWaitS = Math.ceil(opts.statementTimeoutMs / 1000) + SERVER_GRACE_S;
  await connection.query('SET SESSION lock_wait_timeout = ?, innodb_lock_wait_timeout = ?', [serverWaitS, serverWaitS]);

  for (const [index, statement] of statements.entries()) {
    const verb = statement.sql.split(/\s+/).slice(0, 2).join(' ');
    const what = `MySQL statement ${index + 1} of ${statements.length} (${verb} ...)`;
    const timeoutMs = Math.min(opts.statementTimeoutMs, opts.deadline.remainingMs() - DIAGNOSE_MS);
    if (timeoutMs < 500) throw new Error(`${what} not run: no time left before the Lambda deadline`);
    const started = Date.now();
    try {
      await connection.query({ sql: statement.sql, values: statement.values, timeout: timeoutMs });
    } catch (error) {
      redactSql(error);
      const code = (error as MysqlError | null)?.code;
      if (code === CLIENT_TIMEOUT) {
        const waitingFor = await cancelStuck(connection.threadId, opts);
        connection.destroy();
        throw new Error(
          `${what} did not finish within ${Math.round(timeoutMs / 1000)} s: ${waitingFor}; it was cancelled. ` +
            'Another session holds a lock it needs (for example a backup running FLUSH TABLES WITH READ LOCK, or an ' +
            'open transaction); SHOW PROCESSLIST on the writer shows it. Retry the stack operation once it is gone.',
          { cause: error },
        );
      }
      if (code !== undefined && LOCK_WAIT_TIMEOUT.has(code)) {
        throw new Error(
          `${what} gave up waiting for a lock after ${Math.round((Date.now() - started) / 1000)} s: ${mysqlErrorText(error)}. ` +
            'Another session holds it (an open transaction or a backup); SHOW PROCESSLIST on the writer shows it.',
          { cause: error },
        );
      }
      throw new Error(`${what} failed: ${mysqlErrorText(error)}`, { cause: error });
    }
    opts.log.debug('statement done', { index: index + 1, verb, ms: Date.now() - started });
  }
}

/**
 * From a second session: what the stuck statement's session is doing (the server's own words, e.g. "Waiting for
 * backup lock"), then KILL QUERY so it stops waiting. Best effort and bounded: the answer is still an error.
 */
async function cancelStuck(threadId: number, opts: RunOptions): Promise<string> {
  let side: Connection | undefined;
  let state = 'the server did not say what it waits for';
  try {
    side = await opts.openSide(Math.max(500, Math.min(DIAGNOSE_MS - 500, opts.deadline.remainingMs())));
    const [rows] = await side.query({
      sql: 'SELECT STATE AS state, TIME AS seconds FROM information_schema.PROCESSLIST WHERE ID = ?',
      values: [threadId],
      timeout: 1_500,
    });
    const row = (rows as { state?: string | null; seconds?: number }[])[0];
    if (row?.state) state = `the server says it is "${row.state}" (for ${row.seconds ?? '?'} s)`;
    await side.query({ sql: 'KILL QUERY ?', values: [threadId], timeout: 1_500 });
    opts.log.warn('stuck statement cancelled', { threadId, state: row?.state ?? null });
  } catch (error) {
    opts.log.warn('could not look at or cancel the stuck statement', { threadId, error: mysqlErrorText(redactSql(error)) });
  } finally {
    side?.destroy();
  }
  return state;
}
