import { Deadline, type InvocationContext } from './deadline.js';
import { isDeferrable } from './errors.js';
import { createLogger, type Logger } from './log.js';
import {
  requestFields,
  type IsCompleteRequest,
  type IsCompleteResponse,
  type OnEventRequest,
  type OnEventResponse,
} from './provider.js';

/** What every step of one invocation gets: a logger carrying the request's fields, and the deadline. */
export interface HandlerContext {
  log: Logger;
  deadline: Deadline;
}

export type OnEvent = (event: OnEventRequest, context?: InvocationContext) => Promise<OnEventResponse>;
export type IsComplete = (event: IsCompleteRequest, context?: InvocationContext) => Promise<IsCompleteResponse>;
export type DeleteIsCompleteRequest = Extract<IsCompleteRequest, { RequestType: 'Delete' }>;

function handlerContext(
  base: Record<string, unknown>,
  event: OnEventRequest | IsCompleteRequest,
  context: InvocationContext | undefined,
  budgetMs: number,
): HandlerContext {
  return {
    log: createLogger({ ...base, ...requestFields(event) }),
    deadline: Deadline.fromContext(context, budgetMs),
  };
}

/**
 * The Lambda `onEvent` entry point of a handler: logs the request and runs `body` against a
 * deadline of `budgetMs` (or less, when Lambda has less time left).
 */
export function onEventHandler(
  handler: string,
  budgetMs: number,
  body: (event: OnEventRequest, ctx: HandlerContext) => Promise<OnEventResponse>,
): OnEvent {
  return async (event, context) => {
    const ctx = handlerContext({ handler }, event, context, budgetMs);
    ctx.log.info('onEvent');
    return body(event, ctx);
  };
}

export interface DeleteWaiterOptions {
  handler: string;
  budgetMs: number;
  /** Fields for the "poll deferred" log line beyond the request's own. */
  deferredFields?: (event: DeleteIsCompleteRequest) => Record<string, unknown>;
}

/**
 * The Lambda `isComplete` entry point of a handler that waits on Delete only: Create and Update
 * are complete when onEvent returns. A poll whose AWS calls stayed throttled (or transiently
 * failing) past their retries answers "not yet", so the Provider framework's next poll tries again.
 */
export function deleteWaiter(
  opts: DeleteWaiterOptions,
  poll: (event: DeleteIsCompleteRequest, ctx: HandlerContext) => Promise<IsCompleteResponse>,
): IsComplete {
  return async (event, context) => {
    if (event.RequestType !== 'Delete') return { IsComplete: true };
    const ctx = handlerContext({ handler: opts.handler, phase: 'isComplete' }, event, context, opts.budgetMs);
    try {
      return await poll(event, ctx);
    } catch (error) {
      if (!isDeferrable(error)) throw error;
      ctx.log.warn('poll deferred', { ...opts.deferredFields?.(event), error: error.causeName });
      return { IsComplete: false };
    }
  };
}
