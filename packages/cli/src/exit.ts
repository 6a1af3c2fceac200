/** Exit codes every command uses: 0 done, 1 the operation failed, 2 the input or the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILURE | typeof EXIT_USAGE;

/**
 * An error whose message is written for the user as is (no stack trace). `hint` is a second line saying what to
 * do about it.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;

  constructor(message: string, exitCode: ExitCode = EXIT_FAILURE, hint?: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    if (hint !== undefined) this.hint = hint;
  }
}

/** Bad input: a wrong flag value, an invalid config, a weak password. Exit code 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(message, EXIT_USAGE, hint);
}

/** The command could not do its job (AWS refused, a check failed). Exit code 1. */
export function failure(message: string, hint?: string): CliError {
  return new CliError(message, EXIT_FAILURE, hint);
}

export function isCliError(e: unknown): e is CliError {
  return e instanceof CliError;
}
