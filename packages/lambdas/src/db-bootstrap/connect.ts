import { createConnection, type Connection, type ConnectionOptions } from 'mysql2/promise';
import { backoffDelay, sleep } from '../runtime/backoff.js';
import type { Deadline } from '../runtime/deadline.js';
import type { Logger } from '../runtime/log.js';
import type { DbTlsMode } from '../properties.js';

export interface ConnectTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  tls: DbTlsMode;
}

/**
 * Errors that mean "not yet": the cluster is still being created or is restarting, its DNS name
 * is not published yet, or it is at its connection limit. Anything else (wrong password, TLS
 * refused or unverifiable) will not heal by waiting and fails at once.
 */
const NOT_YET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
]);

const PER_ATTEMPT_TIMEOUT_MS = 10_000;
const BACKOFF = { baseMs: 1_000, capMs: 15_000 };

interface MysqlError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

export function mysqlErrorText(error: unknown): string {
  const e = (error ?? {}) as MysqlError;
  // sqlMessage/message only: mysql2 attaches the formatted SQL (with bound values) as `sql`, never shown.
  const code = e.code ?? (e.errno !== undefined ? `errno ${e.errno}` : 'error');
  return `${code}: ${e.sqlMessage ?? e.message ?? String(error)}`;
}

/**
 * mysql2 errors carry the statement as sent (`sql`), bound password included; removed before the
 * error travels on as a `cause` that the Lambda runtime may print.
 */
export function redactSql<T>(error: T): T {
  if (typeof error === 'object' && error !== null && 'sql' in error) delete (error as { sql?: unknown }).sql;
  return error;
}

export function isNotYet(error: unknown): boolean {
  const code = (error as MysqlError | null)?.code;
  return code !== undefined && NOT_YET.has(code);
}

function options(target: ConnectTarget, timeoutMs: number): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    connectTimeout: timeoutMs,
    multipleStatements: false,
    // Aurora's certificates chain to the RDS CAs, which Lambda loads through NODE_EXTRA_CA_CERTS.
    ssl: target.tls === 'required' ? { rejectUnauthorized: true, verifyIdentity: true, minVersion: 'TLSv1.2' } : undefined,
  };
}

/** One connection attempt, no retry: for a short side session next to the main one. */
export function connectOnce(target: ConnectTarget, timeoutMs: number): Promise<Connection> {
  return createConnection(options(target, timeoutMs));
}

/**
 * Connects, retrying "not yet" failures with jittered exponential backoff until `deadline`. The
 * last error says how long it waited and why the server refused.
 */
export async function connectWithRetry(target: ConnectTarget, deadline: Deadline, log: Logger): Promise<Connection> {
  const started = Date.now();
  let lastError: unknown;
  let attempts = 0;
  // Each attempt needs a little time to be worth making.
  while (deadline.remainingMs() >= 100) {
    const timeoutMs = Math.min(PER_ATTEMPT_TIMEOUT_MS, deadline.remainingMs());
    attempts += 1;
    try {
      const connection = await createConnection(options(target, timeoutMs));
      log.info('connected', { host: target.host, port: target.port, tls: target.tls, attempts });
      return connection;
    } catch (error) {
      if (!isNotYet(error)) {
        redactSql(error);
        throw new Error(`MySQL connect to ${target.host}:${target.port} as ${target.user} failed: ${mysqlErrorText(error)}`, {
          cause: error,
        });
      }
      lastError = error;
    }
    // The last sleep is cut short so that one more attempt still fits before the deadline.
    const delayMs = Math.min(backoffDelay(attempts - 1, BACKOFF), deadline.remainingMs() - 200);
    if (delayMs < 0) break;
    log.warn('database not reachable yet; retrying', {
      host: target.host,
      port: target.port,
      attempt: attempts,
      error: (lastError as MysqlError).code,
      delayMs,
    });
    await sleep(delayMs);
  }
  const waitedS = Math.round((Date.now() - started) / 1000);
  throw new Error(
    `MySQL connect to ${target.host}:${target.port} failed: the database did not accept connections within ` +
      `${waitedS} s (${attempts} attempts); last error ${lastError === undefined ? 'none (no time for an attempt)' : mysqlErrorText(lastError)}`,
  );
}
