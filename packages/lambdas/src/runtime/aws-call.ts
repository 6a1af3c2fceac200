import { backoffDelay, sleep } from './backoff.js';
import type { Deadline } from './deadline.js';
import { AwsCallError, errorMessage, errorName, isRetryableAwsError, isThrottlingError } from './errors.js';
import type { Logger } from './log.js';

export interface AwsCallOptions {
  deadline: Deadline;
  log: Logger;
  /** Attempts in all (first try included) for throttling and transient errors. */
  maxAttempts?: number;
  /** Longest a single attempt may take before it is abandoned, ms. */
  attemptTimeoutMs?: number;
  /** Error names the caller handles (e.g. ResourceNotFoundException): thrown without an error log line. */
  expectedErrors?: readonly string[];
}

export interface AwsCallRecovery<T> {
  /**
   * Runs before each new attempt that follows an error which may have hidden a success (a timeout, a 5xx, a
   * dropped connection: the request may have been carried out, only the answer was lost). A result other than
   * undefined ends the call with that result instead of sending the request again; throttling never gets here
   * because a throttled request was refused, not carried out.
   */
  beforeRetry?: (error: unknown) => Promise<T | undefined>;
}

const DEFAULT_ATTEMPTS = 6;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
const BACKOFF = { baseMs: 500, capMs: 8_000 };
/** An attempt with less time than this is not worth starting. */
const MIN_ATTEMPT_MS = 250;

/** One attempt that got no answer in time; retried while the deadline allows. */
export class AwsCallTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Runs one AWS SDK call with: an abort signal and a hard timer bounded by the handler's deadline
 * (a call that never answers cannot hang the handler), retries with jittered backoff for throttling
 * and transient faults (on top of the SDK's own retries, because a custom resource that fails on a
 * burst of throttling fails a whole stack), and a final error saying which call failed and why.
 */
export async function awsCall<T>(
  call: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  opts: AwsCallOptions & AwsCallRecovery<T>,
): Promise<T> {
  const maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS;
  let lastError: unknown;
  let attempts = 0;
  while (attempts < maxAttempts) {
    const budget = Math.min(opts.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS, opts.deadline.remainingMs());
    if (budget < MIN_ATTEMPT_MS) break;
    attempts += 1;
    try {
      return await withTimeout(send, budget);
    } catch (error) {
      lastError = error;
      if (!isRetryableAwsError(error)) break;
    }
    if (attempts >= maxAttempts) break;
    // Sleep only if another attempt still fits before the deadline.
    const delayMs = Math.min(backoffDelay(attempts - 1, BACKOFF), opts.deadline.remainingMs() - MIN_ATTEMPT_MS);
    if (delayMs < 0) break;
    opts.log.warn('AWS call will be retried', { call, error: errorName(lastError), attempt: attempts, delayMs });
    await sleep(delayMs);
    if (opts.beforeRetry && !isThrottlingError(lastError)) {
      const recovered = await opts.beforeRetry(lastError);
      if (recovered !== undefined) {
        opts.log.info('AWS call had succeeded before its answer was lost; not sent again', { call, error: errorName(lastError), attempts });
        return recovered;
      }
    }
  }
  if (lastError === undefined) {
    throw new AwsCallError(call, 'no time left before the handler deadline', 'TimeoutError');
  }
  const name = errorName(lastError);
  const reason = errorMessage(lastError);
  if (!opts.expectedErrors?.includes(name)) opts.log.error('AWS call failed', { call, error: name, reason, attempts });
  throw new AwsCallError(call, reason, name, { cause: lastError });
}

async function withTimeout<T>(send: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AwsCallTimeout(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([send(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
