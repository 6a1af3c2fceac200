import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsCall, type AwsCallOptions } from '../runtime/aws-call.js';

/** The fields of a database secret the handler uses (RDS-attached secrets also carry host/port). */
export interface DbCredentials {
  username: string;
  password: string;
  host?: string;
  port?: number;
}

/**
 * Reads a JSON database secret. Errors name the secret and the missing key, never a value:
 * a malformed secret must not leak through the error the stack events show.
 */
export async function readDbSecret(client: SecretsManagerClient, secretId: string, opts: AwsCallOptions): Promise<DbCredentials> {
  const result = await awsCall(
    'Secrets Manager GetSecretValue',
    (abortSignal) => client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal }),
    opts,
  );
  if (typeof result.SecretString !== 'string') {
    throw new Error(`Secret ${secretId} has no SecretString (binary secrets are not supported)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.SecretString);
  } catch {
    throw new Error(`Secret ${secretId} is not JSON; expected {"username": ..., "password": ...}`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new Error(`Secret ${secretId} is not a JSON object; expected {"username": ..., "password": ...}`);
  }
  const fields = parsed as Record<string, unknown>;
  const missing = ['username', 'password'].filter((key) => typeof fields[key] !== 'string' || fields[key] === '');
  if (missing.length > 0) {
    throw new Error(`Secret ${secretId} lacks a non-empty string ${missing.map((m) => `"${m}"`).join(' and ')}`);
  }
  const port = typeof fields['port'] === 'number' ? fields['port'] : typeof fields['port'] === 'string' ? Number(fields['port']) : NaN;
  return {
    username: fields['username'] as string,
    password: fields['password'] as string,
    host: typeof fields['host'] === 'string' && fields['host'] !== '' ? fields['host'] : undefined,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
  };
}
