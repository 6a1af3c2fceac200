/** What the handlers need from the Lambda context (tests pass a plain object or nothing). */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
}

/**
 * The moment by which a handler must have answered. Work is planned against it so that the
 * handler throws a clear error itself instead of being killed by the Lambda timeout (which the
 * Provider framework can only report as "Task timed out").
 */
export class Deadline {
  private constructor(private readonly at: number) {}

  /**
   * Lambda's remaining time minus a safety margin, capped by `capMs` (the handler's own budget).
   * Without a Lambda context (local runs, tests) only the cap applies.
   */
  static fromContext(context: InvocationContext | undefined, capMs: number, marginMs = 5_000): Deadline {
    const now = Date.now();
    const remaining = context?.getRemainingTimeInMillis?.();
    const lambdaBudget = typeof remaining === 'number' && Number.isFinite(remaining) ? remaining - marginMs : Infinity;
    return new Deadline(now + Math.max(0, Math.min(capMs, lambdaBudget)));
  }

  static in(ms: number): Deadline {
    return new Deadline(Date.now() + Math.max(0, ms));
  }

  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}
