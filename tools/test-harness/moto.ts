import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './ports.js';

/** A throw-away moto_server (AWS API emulator) on 127.0.0.1. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: pass it as the SDK client's `endpoint` or as `AWS_ENDPOINT_URL`. */
  endpoint: string;
  port: number;
  /** Forgets every resource moto holds (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL after a bounded wait) and removes its log dir. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

function findMoto(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'moto_server');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** False when `moto_server` is not on PATH. */
export function motoAvailable(): boolean {
  return findMoto() !== undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies without afterAll must not leave a server behind.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

interface StartFailure extends Error {
  addressInUse?: boolean;
}

async function startOnce(binary: string, port: number): Promise<MotoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-moto-'));
  const log = join(dir, 'moto.log');
  const fd = openSync(log, 'a');
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  installExitHook();
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exitPromise.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
      if (timedOut) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if (await answers(`${endpoint}/moto-api/`)) {
      const reset = async (): Promise<void> => {
        const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
      };
      return { endpoint, port, reset, stop };
    }
    await sleep(100);
  }
  const text = tail(log);
  await stop();
  const error: StartFailure = new Error(`moto_server did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${text}`);
  error.addressInUse = /address already in use/i.test(text);
  throw error;
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits (bounded) until GET /moto-api/ answers.
 * Throws when moto_server is not installed; callers decide whether that is a skip or (CI) a failure.
 */
export async function startMoto(): Promise<MotoServer> {
  const binary = findMoto();
  if (!binary) throw new Error('moto_server is not on PATH (it comes with the machine image: pip install "moto[server]")');
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      return await startOnce(binary, await freePort());
    } catch (error) {
      lastError = error;
      if (!(error as StartFailure).addressInUse) throw error;
    }
  }
  throw lastError;
}
