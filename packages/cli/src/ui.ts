import type { Writable } from 'node:stream';

/** How a command talks to the user; one instance per run, built from the global flags and the environment. */
export interface Ui {
  /** Results (what a script would capture): always written, even with --quiet. */
  out(line: string): void;
  /** Progress and explanations on stderr; silent with --quiet. */
  info(line: string): void;
  warn(line: string): void;
  /** Errors on stderr, never silenced. */
  error(line: string): void;
  readonly color: boolean;
  readonly quiet: boolean;
  /** stdin and stderr are terminals and CI is not set: prompts and live progress are allowed. */
  readonly interactive: boolean;
  readonly style: Style;
}

export interface Style {
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export interface UiOptions {
  quiet?: boolean;
  /** false for --no-color. */
  color?: boolean;
  env?: NodeJS.ProcessEnv;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
  stdinIsTTY?: boolean;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const COLORS: Style = { ok: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
const PLAIN: Style = { ok: (s) => s, bad: (s) => s, warn: (s) => s, bold: (s) => s, dim: (s) => s };

/**
 * Colour only on a terminal, never when NO_COLOR is set to anything non-empty (no-color.org) or --no-color. Decided
 * per stream: `hpc-ha validate > file` at a terminal colours stderr but writes no escape codes into the file.
 */
export function wantsColor(options: UiOptions, stream: 'stdout' | 'stderr' = 'stderr'): boolean {
  const env = options.env ?? process.env;
  if (options.color === false) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  const target = stream === 'stdout' ? (options.stdout ?? process.stdout) : (options.stderr ?? process.stderr);
  return target.isTTY === true && env['TERM'] !== 'dumb';
}

// SGR escape sequences (ESC [ … m), built from a string so the pattern holds no literal control character.
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

export function isInteractive(options: UiOptions = {}): boolean {
  const env = options.env ?? process.env;
  const stdinIsTTY = options.stdinIsTTY ?? process.stdin.isTTY === true;
  const stderr = options.stderr ?? process.stderr;
  return stdinIsTTY && stderr.isTTY === true && !(env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false');
}

export function createUi(options: UiOptions = {}): Ui {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const color = wantsColor(options);
  const outColor = wantsColor(options, 'stdout');
  const quiet = options.quiet === true;
  // One style for both streams (the messages are built before it is known where they go); stdout drops the
  // colour when it is not a terminal of its own.
  const style = color || outColor ? COLORS : PLAIN;
  const forStderr = (line: string) => (color ? line : line.replace(SGR, ''));
  return {
    out: (line) => void stdout.write(`${outColor ? line : line.replace(SGR, '')}\n`),
    info: (line) => {
      if (!quiet) stderr.write(`${forStderr(line)}\n`);
    },
    warn: (line) => {
      if (!quiet) stderr.write(`${forStderr(style.warn(line))}\n`);
    },
    error: (line) => void stderr.write(`${forStderr(style.bad(line))}\n`),
    color,
    quiet,
    interactive: isInteractive(options),
    style,
  };
}

export const CHECK = '✓';
export const CROSS = '✗';
