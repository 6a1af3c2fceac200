/** The parts of an AWS SDK v3 service exception the handlers look at. */
export interface AwsErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'Error';
  const e = error as AwsErrorShape;
  return e.name ?? e.Code ?? e.code ?? 'Error';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && typeof (error as AwsErrorShape).message === 'string') {
    return (error as AwsErrorShape).message as string;
  }
  return String(error);
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

const TRANSIENT = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** A request the service refused because of its rate: it was not carried out. */
export function isThrottlingError(error: unknown): boolean {
  const e = error as AwsErrorShape | null;
  return THROTTLING.has(errorName(error)) || e?.$retryable?.throttling === true || e?.$metadata?.httpStatusCode === 429;
}

/** Throttling and server-side hiccups: worth another try. Everything else is the caller's problem. */
export function isRetryableAwsError(error: unknown): boolean {
  const name = errorName(error);
  if (THROTTLING.has(name) || TRANSIENT.has(name)) return true;
  const e = error as AwsErrorShape | null;
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status === 429 || status >= 500);
}

/** An AWS call that failed for good: the message names the service, the operation and why. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    readonly call: string,
    readonly reason: string,
    readonly causeName: string,
    options?: { cause?: unknown },
  ) {
    super(`${call} failed: ${causeName}: ${reason}`, options);
  }
}

/** A failure that only says "not now": throttling or a transient fault that outlasted the retries. */
export function isDeferrable(error: unknown): error is AwsCallError {
  return error instanceof AwsCallError && isRetryableAwsError(error.cause);
}
