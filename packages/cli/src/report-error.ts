import { describeTimeout, isAwsTimeout, TIMEOUT_HINT } from './aws.js';
import { EXIT_FAILURE, isCliError, type ExitCode } from './exit.js';
import type { Ui } from './ui.js';

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException']);

/**
 * Turns anything a command throws into words on stderr and an exit code. Only unexpected errors (bugs) show a
 * stack, and only with HPC_HA_DEBUG=1.
 */
export function reportError(e: unknown, ui: Ui): ExitCode {
  if (isCliError(e)) {
    ui.error(`error: ${e.message}`);
    if (e.hint) ui.error(`  ${e.hint}`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  if (isAwsTimeout(err)) {
    ui.error(`error: ${describeTimeout(err)}`);
    ui.error(`  ${TIMEOUT_HINT}`);
    return EXIT_FAILURE;
  }
  if (CREDENTIAL_ERRORS.has(err.name) || /Could not load credentials|credential/i.test(err.message) && err.name !== 'Error') {
    ui.error(`error: AWS credentials: ${firstLine(err.message)}`);
    ui.error('  set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for an account of the target partition');
    return EXIT_FAILURE;
  }
  ui.error(`error: ${firstLine(err.message) || err.name}`);
  if (process.env['HPC_HA_DEBUG'] === '1' && err.stack) ui.error(err.stack);
  return EXIT_FAILURE;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}
