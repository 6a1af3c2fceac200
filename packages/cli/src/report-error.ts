import { classifyAwsError } from './aws-failure.js';
import { EXIT_FAILURE, isCliError, type ExitCode } from './exit.js';
import type { Ui } from './ui.js';

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
  const failed = classifyAwsError(err);
  if (failed.kind !== 'other') {
    ui.error(`error: ${failed.message}`);
    if (failed.hint) ui.error(`  ${failed.hint}`);
    return EXIT_FAILURE;
  }
  ui.error(`error: ${firstLine(err.message) || err.name}`);
  if (process.env['HPC_HA_DEBUG'] === '1' && err.stack) ui.error(err.stack);
  return EXIT_FAILURE;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}
