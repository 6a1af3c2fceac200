export interface BackoffOptions {
  /** First delay before jitter, ms. */
  baseMs: number;
  /** Largest delay before jitter, ms. */
  capMs: number;
  /** Random source in [0, 1); tests make it deterministic. */
  random?: () => number;
}

/**
 * "Full jitter" exponential backoff: a random delay in [base/2, min(cap, base * 2^attempt)], so
 * that many callers retrying at once spread out, but never a zero delay that would hammer a
 * server which has just refused us.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(ceiling, opts.baseMs / 2);
  return Math.round(floor + random() * (ceiling - floor));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
