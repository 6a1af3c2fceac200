import type { Connection } from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { Deadline } from '../runtime/deadline.js';
import { createLogger, setLogSink } from '../runtime/log.js';
import { runStatements } from './statements.js';

/** A connection whose Nth query fails the way mysql2 reports a server error; records what it was sent. */
function fakeConnection(failAt: number, error: Record<string, unknown>): { connection: Connection; sent: unknown[] } {
  const sent: unknown[] = [];
  const connection = {
    threadId: 7,
    query: (q: unknown, values?: unknown) => {
      sent.push(values === undefined ? q : { q, values });
      return sent.length === failAt ? Promise.reject(Object.assign(new Error(String(error['sqlMessage'])), error)) : Promise.resolve([[], []]);
    },
    destroy: () => undefined,
  } as unknown as Connection;
  return { connection, sent };
}

describe('runStatements', () => {
  const restore = setLogSink(() => undefined);
  afterAll(() => setLogSink(restore));
  const opts = {
    statementTimeoutMs: 30_000,
    deadline: Deadline.in(120_000),
    log: createLogger({ handler: 'test' }),
    openSide: () => Promise.reject(new Error('not used')),
  };

  it('bounds lock waits on the server too, a little after the client gives up', async () => {
    const { connection, sent } = fakeConnection(0, {});
    await runStatements(connection, [{ sql: 'CREATE DATABASE x', values: [] }], opts);
    expect(sent[0]).toEqual({ q: 'SET SESSION lock_wait_timeout = ?, innodb_lock_wait_timeout = ?', values: [35, 35] });
    expect(sent[1]).toMatchObject({ sql: 'CREATE DATABASE x', timeout: 30_000 });
  });

  it('a lock wait the server gave up names the statement and the reason, never the bound values', async () => {
    const { connection } = fakeConnection(3, {
      code: 'ER_LOCK_WAIT_TIMEOUT',
      errno: 1205,
      sqlMessage: 'Lock wait timeout exceeded; try restarting transaction',
      sql: "ALTER USER 'efdb'@'%' IDENTIFIED BY 'secret-value'",
    });
    const failure = (await runStatements(
      connection,
      [
        { sql: 'CREATE DATABASE x', values: [] },
        { sql: "ALTER USER 'efdb'@'%' IDENTIFIED BY ?", values: ['secret-value'] },
      ],
      opts,
    ).catch((e: Error) => e)) as Error;
    expect(failure.message).toMatch(
      /^MySQL statement 2 of 2 \(ALTER USER \.\.\.\) gave up waiting for a lock after \d+ s: ER_LOCK_WAIT_TIMEOUT: Lock wait timeout exceeded; try restarting transaction\. Another session holds it/,
    );
    expect(JSON.stringify({ m: failure.message, c: failure.cause })).not.toContain('secret-value');
  });

  it('does not start a statement when the Lambda has no time left for it', async () => {
    const { connection } = fakeConnection(0, {});
    await expect(runStatements(connection, [{ sql: 'CREATE DATABASE x', values: [] }], { ...opts, deadline: Deadline.in(3_000) })).rejects.toThrow(
      'MySQL statement 1 of 1 (CREATE DATABASE ...) not run: no time left before the Lambda deadline',
    );
  });
});
