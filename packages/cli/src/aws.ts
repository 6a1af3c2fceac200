import { usageError } from './exit.js';

/**
 * Settings shared by every AWS SDK client the CLI makes. Credentials, AWS_PROFILE and AWS_ENDPOINT_URL are left to
 * the SDK's own provider chain (it reads them natively), so a profile, SSO, an instance role or a local emulator
 * all work without flags.
 */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
}

export function clientConfig(region: string): AwsClientConfig {
  return { region, maxAttempts: 3 };
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

/**
 * S3 needs path-style addressing behind a custom endpoint (moto, MinIO, a VPC endpoint given by IP): there is no
 * DNS for `<bucket>.127.0.0.1`.
 */
export function s3Config(base: AwsClientConfig, env: NodeJS.ProcessEnv = process.env): AwsClientConfig & { forcePathStyle?: boolean } {
  return env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] ? { ...base, forcePathStyle: true } : base;
}
