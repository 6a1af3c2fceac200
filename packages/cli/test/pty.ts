import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, beforeAll } from 'vitest';
import { BIN, PACKAGE_ROOT, cleanEnv } from './cli.js';

/**
 * Drives the built `hpc-ha` on a real pseudo-terminal, the way a person at a terminal meets it: util-linux
 * `script -qfec <cmd> /dev/null` gives the child a pty (stdin, stdout and stderr are all its slave side); the test
 * writes keystrokes to script's stdin, which script forwards to the pty master, and reads everything the child
 * wrote to the terminal from script's stdout. `script` is in Debian's Essential `bsdutils` package.
 */

/** Keystrokes as a terminal sends them. */
export const KEY = {
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  space: ' ',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

const ESC = String.fromCharCode(27);
// CSI (ESC [ … final byte) and the two-byte ESC sequences; built from strings so the pattern holds no control character.
const CONTROL = new RegExp(`${ESC}\\[[0-9;?]*[ -/]*[@-~]|${ESC}[@-Z\\\\-_]`, 'g');
/** SGR sequences that set a colour: foreground/background 30-49, bright 90-107 (NO_COLOR forbids these). */
export const COLOR_SGR = new RegExp(`${ESC}\\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m`);

/** What a terminal would show, give or take cursor movement: control sequences and carriage returns removed. */
export function plain(raw: string): string {
  return raw.replace(CONTROL, '').replace(/\r/g, '');
}

export function scriptAvailable(): boolean {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8', timeout: 5_000 });
  return r.status === 0 && /util-linux/.test(r.stdout);
}

/**
 * Whether the pty tests can run: false (tests skip) where util-linux `script` is missing, but a thrown error under
 * CI=true, where a skipped terminal test would hide a regression.
 */
export function ptyForTests(): boolean {
  if (scriptAvailable()) return true;
  if (process.env['CI'] === 'true') throw new Error('util-linux `script` is not installed (Debian package bsdutils), and CI=true requires it');
  return false;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyOptions {
  cwd?: string;
  /** Added to the clean environment of cli.ts; CI is removed (a terminal session is not CI) unless given here. */
  env?: Record<string, string | undefined>;
  /** Terminal width: wide by default so that long messages stay on one line. */
  cols?: number;
  /** Redirect the child's stdout to this file (`> file`), leaving stderr and stdin on the terminal. */
  stdoutTo?: string;
}

export interface PtySession {
  /** Everything the child wrote to the terminal so far, escape sequences included. */
  readonly raw: string;
  /** {@link raw} without control sequences. */
  readonly text: string;
  /** Resolves once `pattern` appears in {@link text} after `from` (an offset into text); rejects after `timeoutMs`. */
  waitFor(pattern: string | RegExp, opts?: { timeoutMs?: number; from?: number }): Promise<void>;
  /** Types keystrokes, as a person would. */
  type(keys: string): void;
  /** The exit code of `hpc-ha` (script -e passes it on); rejects if it has not ended within `timeoutMs`. */
  exit(timeoutMs?: number): Promise<number | null>;
  /** Ends the session if it is still running (closing the pty hangs up the child). */
  close(): void;
}

/** Starts `hpc-ha <args>` on a fresh pty of `cols`×50. Always `close()` it (afterEach / finally). */
export function startPty(args: string[], options: PtyOptions = {}): PtySession {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ') + (options.stdoutTo ? ` > ${shellQuote(options.stdoutTo)}` : '');
  // script runs the command with $SHELL -c: pin a POSIX shell so the quoting above holds whatever the user's shell is.
  const env = cleanEnv({ CI: undefined, TERM: 'xterm-256color', SHELL: '/bin/sh', ...options.env });
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qfec', `stty cols ${options.cols ?? 200} rows 50 && exec ${command}`, '/dev/null'], {
    cwd: options.cwd ?? PACKAGE_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let errors = '';
  let ended: number | null | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of [...listeners]) l();
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    raw += d;
    changed();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (errors += d));
  child.stdin.on('error', () => undefined); // typing into a session that just ended is not the test's failure
  child.on('close', (code) => {
    ended = code;
    changed();
  });

  const describe = () => `\n--- terminal so far ---\n${plain(raw)}\n--- script's stderr ---\n${errors}`;

  /** Settles once `check` gives a value (or an error) after any output or the exit; rejects after `timeoutMs`. */
  const until = <T>(check: () => { value: T } | Error | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const listener = () => {
        const result = check();
        if (result === undefined) return;
        clearTimeout(timer);
        listeners.delete(listener);
        if (result instanceof Error) reject(result);
        else resolve(result.value);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`${what} within ${timeoutMs} ms${describe()}`));
      }, timeoutMs);
      listeners.add(listener);
      listener();
    });

  return {
    get raw() {
      return raw;
    },
    get text() {
      return plain(raw);
    },
    waitFor(pattern, opts = {}) {
      const check = () => {
        const text = plain(raw).slice(opts.from ?? 0);
        if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return { value: undefined };
        if (ended !== undefined) return new Error(`hpc-ha exited (${ended}) before showing ${String(pattern)}${describe()}`);
        return undefined;
      };
      return until(check, opts.timeoutMs ?? 10_000, `no ${String(pattern)} on the terminal`);
    },
    type(keys) {
      child.stdin.write(keys);
    },
    exit(timeoutMs = 10_000) {
      return until(() => (ended === undefined ? undefined : { value: ended }), timeoutMs, 'hpc-ha did not exit');
    },
    close() {
      if (ended === undefined && child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** A test file's pty sessions: `start` like {@link startPty}; every session is closed after each test. */
export interface FilePty {
  /** False where `script` is missing outside CI (tests skip); under CI=true that is a failure instead. */
  readonly available: boolean;
  start(args: string[], options?: PtyOptions): PtySession;
}

export function usePty(): FilePty {
  const sessions: PtySession[] = [];
  const state = { available: false };
  beforeAll(() => {
    state.available = ptyForTests();
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.close();
  });
  return {
    get available() {
      return state.available;
    },
    start(args, options) {
      const s = startPty(args, options);
      sessions.push(s);
      return s;
    },
  };
}
