import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { freePort } from './ports.js';

const POLL_MS = 100;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last lines of a server's log, for an error message; `(no log)` when it cannot be read. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without afterAll must not leave a server behind.
  process.on('exit', () => {
    for (const each of running) each.kill('SIGKILL');
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL when the process is still there after `graceMs`; resolves once it has exited. */
export async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const timedOut = await Promise.race([exited.then(() => false), graceOver]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Thrown when a server does not become ready; `addressInUse` says a retry on another port may help. */
export interface StartFailure extends Error {
  addressInUse?: boolean;
}

export interface StartServerOptions {
  command: string;
  args: readonly string[];
  /** Polled until it answers true, the process exits or `timeoutMs` passes. */
  ready: () => boolean | Promise<boolean>;
  timeoutMs: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  graceMs: number;
  /** The log whose tail goes in the error when the server does not become ready. */
  logFile: string;
  /** Added to (and overriding) this process's environment for the server. */
  env?: NodeJS.ProcessEnv;
  /** Append the server's stdout and stderr to `logFile`; otherwise they are discarded. */
  captureOutput?: boolean;
  /** Start of the error message, e.g. `moto_server did not answer on http://127.0.0.1:1234`. */
  notReady: string;
  /** Matched against the log tail to set `addressInUse` on the error. */
  addressInUse: RegExp;
  /** Runs after the process has stopped (e.g. removes its temp dir). */
  cleanup?: () => void;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Stops the process (see `stopProcess`) and then runs `cleanup`. */
  stop(): Promise<void>;
}

/**
 * Spawns a server and waits (bounded) until `ready()` says it answers. On failure it stops the
 * process, cleans up and throws a `StartFailure` carrying the log tail.
 */
export async function startServer(opts: StartServerOptions): Promise<ServerProcess> {
  const fd = opts.captureOutput ? openSync(opts.logFile, 'a') : undefined;
  const child = spawn(opts.command, [...opts.args], {
    stdio: fd === undefined ? 'ignore' : ['ignore', fd, fd],
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
  });
  if (fd !== undefined) closeSync(fd);
  track(child);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const stop = async (): Promise<void> => {
    await stopProcess(child, opts.graceMs);
    opts.cleanup?.();
  };

  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await opts.ready()) return { child, stop };
    await sleep(POLL_MS);
  }
  const log = logTail(opts.logFile);
  await stop();
  const error: StartFailure = new Error(`${opts.notReady} within ${opts.timeoutMs} ms:\n${log}`);
  error.addressInUse = opts.addressInUse.test(log);
  throw error;
}

/**
 * Runs `start` on `port`, or on a free port with up to `attempts` tries: another process may take a
 * free port before the server binds it, so an "address in use" failure is retried on a new one.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, opts: { port?: number | undefined; attempts?: number } = {}): Promise<T> {
  const attempts = opts.port === undefined ? (opts.attempts ?? 3) : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await start(port);
    } catch (error) {
      lastError = error;
      if (!(error as StartFailure).addressInUse) throw error;
    }
  }
  throw lastError;
}
