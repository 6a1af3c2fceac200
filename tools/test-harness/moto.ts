import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { onFreePort, startServer } from './process.js';

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

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

async function startOnce(binary: string, port: number): Promise<MotoServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-moto-'));
  const endpoint = `http://127.0.0.1:${port}`;
  const { stop } = await startServer({
    command: binary,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    ready: () => answers(`${endpoint}/moto-api/`),
    timeoutMs: START_TIMEOUT_MS,
    graceMs: STOP_TIMEOUT_MS,
    logFile: join(dir, 'moto.log'),
    captureOutput: true,
    notReady: `moto_server did not answer on ${endpoint}`,
    addressInUse: /address already in use/i,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  const reset = async (): Promise<void> => {
    const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
  };
  return { endpoint, port, reset, stop };
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits (bounded) until GET /moto-api/ answers.
 * Throws when moto_server is not installed; callers decide whether that is a skip or (CI) a failure.
 */
export async function startMoto(): Promise<MotoServer> {
  const binary = findMoto();
  if (!binary) throw new Error('moto_server is not on PATH (it comes with the machine image: pip install "moto[server]")');
  return onFreePort((port) => startOnce(binary, port), { attempts: ATTEMPTS });
}
