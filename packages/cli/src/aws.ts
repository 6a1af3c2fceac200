import { usageError } from './exit.js';

/** How long one AWS request may take, connection set-up included, unless HPC_HA_AWS_TIMEOUT_MS says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** Connecting is quick or not happening: a firewall that drops packets must not cost the whole request timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/** The SDK's standard retry strategy, bounded: a first try and two retries. */
export const MAX_ATTEMPTS = 3;

/**
 * Settings shared by every AWS SDK client the CLI makes. Credentials, AWS_PROFILE and AWS_ENDPOINT_URL are left to
 * the SDK's own provider chain (it reads them natively), so a profile, SSO, an instance role or a local emulator
 * all work without flags.
 */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
  /**
   * Without these the SDK waits forever for an endpoint that accepts the connection and never answers (its
   * requestTimeout alone only logs a warning; throwOnRequestTimeout makes it an error the retry strategy sees).
   */
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
}

/** The request timeout in ms: HPC_HA_AWS_TIMEOUT_MS (a positive integer) or the default. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['HPC_HA_AWS_TIMEOUT_MS'];
  if (raw === undefined || raw === '') return DEFAULT_REQUEST_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw usageError(`HPC_HA_AWS_TIMEOUT_MS=${raw}: not a positive number of milliseconds`);
  return ms;
}

export function clientConfig(region: string, env: NodeJS.ProcessEnv = process.env): AwsClientConfig {
  const requestTimeout = requestTimeoutMs(env);
  return {
    region,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: Math.min(DEFAULT_CONNECT_TIMEOUT_MS, requestTimeout), requestTimeout, throwOnRequestTimeout: true },
  };
}

/** An explicit --region, else the config's, else AWS_REGION / AWS_DEFAULT_REGION. */
export function pickRegion(flag: string | undefined, fromConfig: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const region = flag ?? fromConfig ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  if (!region) throw usageError('no AWS Region', 'pass --region, use -c <config>, or set AWS_REGION');
  return region;
}

/** The error name AWS (or the SDK) gave, for branching on well-known failures. */
export function awsErrorName(e: unknown): string {
  return e instanceof Error ? e.name : '';
}

/** True for the SDK's own timeouts (connect or request), after its retries. */
export function isAwsTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || (e as NodeJS.ErrnoException).code === 'ETIMEDOUT');
}

/** "no answer within 20 s (3 attempts)" for a timeout, in words a user can act on. */
export function describeTimeout(e: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const attempts = (e as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? MAX_ATTEMPTS;
  const connect = e instanceof Error && /establish a connection/.test(e.message);
  const ms = connect ? Math.min(DEFAULT_CONNECT_TIMEOUT_MS, requestTimeoutMs(env)) : requestTimeoutMs(env);
  const seconds = ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
  return `${connect ? 'no connection' : 'no answer'} from AWS within ${seconds} (${attempts} attempt${attempts === 1 ? '' : 's'})`;
}

/** What to do about a timeout. */
export const TIMEOUT_HINT = 'check the network, proxy and AWS_ENDPOINT_URL; HPC_HA_AWS_TIMEOUT_MS sets the per-request timeout';

/**
 * S3 needs path-style addressing behind a custom endpoint (moto, MinIO, a VPC endpoint given by IP): there is no
 * DNS for `<bucket>.127.0.0.1`.
 */
export function s3Config(base: AwsClientConfig, env: NodeJS.ProcessEnv = process.env): AwsClientConfig & { forcePathStyle?: boolean } {
  return env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] ? { ...base, forcePathStyle: true } : base;
}
