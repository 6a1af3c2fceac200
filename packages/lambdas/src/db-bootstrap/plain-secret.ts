import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsCall, type AwsCallOptions } from '../runtime/aws-call.js';

/**
 * Reads a secret whose SecretString is a password as plain text (ParallelCluster's Database.PasswordSecretArn form).
 * Errors name the secret, never its value.
 */
export async function readPlainSecret(client: SecretsManagerClient, secretId: string, opts: AwsCallOptions): Promise<string> {
  const result = await awsCall(
    'Secrets Manager GetSecretValue',
    (abortSignal) => client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal }),
    opts,
  );
  const value = result.SecretString;
  if (typeof value !== 'string' || value === '') throw new Error(`Secret ${secretId} has no SecretString (expected the password as plain text)`);
  // slurmdbd.conf takes StoragePass=<value> on one line; ParallelCluster writes it unquoted.
  if (/[\s#]/.test(value)) throw new Error(`Secret ${secretId} holds a password with white space or "#", which slurmdbd.conf cannot carry`);
  if (value.trimStart().startsWith('{')) {
    throw new Error(`Secret ${secretId} looks like JSON; ParallelCluster reads Database.PasswordSecretArn as the password itself (plain text)`);
  }
  return value;
}
