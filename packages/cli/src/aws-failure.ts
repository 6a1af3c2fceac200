import { describeTimeout, isAwsTimeout, TIMEOUT_HINT } from './aws.js';

/** Why an AWS call failed, in the three ways a user fixes differently. */
export type AwsFailureKind = 'timeout' | 'network' | 'credentials' | 'other';

export interface AwsFailure {
  readonly kind: AwsFailureKind;
  /** One line for the user: what happened, never a stack. */
  readonly message: string;
  readonly hint?: string;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch']);
/** Node's socket and DNS errors: the request never reached an AWS endpoint that could judge the credentials. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EPROTO', 'ERR_INVALID_PROTOCOL', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED']);

export const NETWORK_HINT = 'check the network, proxy and AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_<SERVICE>)';
export const CREDENTIALS_HINT = 'set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for an account of the target partition, or run `aws sso login`';

/** The socket error code of a failed request: Node puts it on the error, or on the first of an AggregateError's (IPv4 and IPv6 tried). */
function networkCode(e: unknown): string | undefined {
  const codeOf = (x: unknown) => (x && typeof x === 'object' ? (x as { code?: unknown }).code : undefined);
  const code = codeOf(e);
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  const inner = (e as { errors?: unknown[]; cause?: unknown } | undefined);
  for (const x of [...(Array.isArray(inner?.errors) ? inner!.errors : []), inner?.cause]) {
    const c = codeOf(x);
    if (typeof c === 'string' && NETWORK_CODES.has(c)) return c;
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

/**
 * Classifies what an SDK call threw: the SDK's timeouts, a refused or unresolvable connection (named as such, not
 * as missing credentials), credentials AWS or the provider chain refused, or anything else AWS answered.
 */
export function classifyAwsError(e: unknown): AwsFailure {
  if (isAwsTimeout(e)) return { kind: 'timeout', message: describeTimeout(e), hint: TIMEOUT_HINT };
  const code = networkCode(e);
  if (code) {
    const detail = e instanceof Error && e.message ? firstLine(e.message) : code;
    return { kind: 'network', message: `cannot reach AWS: ${detail.includes(code) ? detail : `${detail} (${code})`}`, hint: NETWORK_HINT };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (CREDENTIAL_ERRORS.has(err.name) || (/Could not load credentials|credential/i.test(err.message) && err.name !== 'Error')) {
    return { kind: 'credentials', message: `AWS credentials: ${firstLine(err.message)}`, hint: CREDENTIALS_HINT };
  }
  return { kind: 'other', message: `${err.name}: ${firstLine(err.message)}` };
}

/** True when nothing answered: the network or the endpoint, not the account, is what failed. */
export function isConnectivityFailure(f: AwsFailure): boolean {
  return f.kind === 'timeout' || f.kind === 'network';
}
