import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, EXAMPLES, PACKAGE_ROOT, runCli } from './cli.js';
import { startSilentServer, type SilentServer } from './silent-server.js';

/**
 * Every AWS call has a connect and a request timeout and a bounded retry: against an endpoint that accepts the
 * connection and never answers, each command ends with a clear message instead of waiting forever. The timeout
 * is shortened through HPC_HA_AWS_TIMEOUT_MS so the test takes seconds; the runner's own limit (15 s) is what a
 * hang would hit.
 */
let server: SilentServer;
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-hang-'));
const oneStack = join(dir, 'one-stack.out');
beforeAll(async () => {
  server = await startSilentServer();
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), oneStack], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`one-stack app failed: ${r.stderr}`);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    HPC_HA_AWS_TIMEOUT_MS: '300',
  };
}

describe('no AWS call waits forever (a local endpoint that accepts connections and never answers)', () => {
  it('doctor: ✗ on the credentials check saying nothing answered, after 3 attempts, exit 1', async () => {
    const before = server.connections;
    const started = Date.now();
    const r = await runCli(['doctor', '-c', `${EXAMPLES}/us-east-1.yaml`], { env: env(), timeoutMs: 15_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ AWS credentials: cannot check: no answer from AWS within 300 ms (3 attempts)');
    expect(r.stdout).toContain('fix: check the network, proxy and AWS_ENDPOINT_URL');
    expect(server.connections - before).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Nothing answered: the network is named, the other checks (the certificate's too) are skipped, not run.
    expect(r.stdout).toContain('- other checks: skipped: AWS cannot be reached');
    expect(r.stdout).not.toContain('none usable');
    expect(r.stdout).not.toContain('listener certificate');
  });

  it('doctor: says which check it is waiting on while it waits', async () => {
    const child = spawn(process.execPath, [BIN, 'doctor', '-c', `${EXAMPLES}/us-east-1.yaml`], { env: cleanEnv({ ...env(), HPC_HA_AWS_TIMEOUT_MS: '2000' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const seen = new Promise<number>((resolve) => {
      const started = Date.now();
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (stderr.includes('checking AWS credentials')) resolve(Date.now() - started);
      });
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const within = await Promise.race([seen, new Promise<number>((resolve) => setTimeout(() => resolve(Infinity), 6_000))]);
    // Shown while the first attempt (2 s, three of them) is still waiting, before any result.
    expect(within).toBeLessThan(6_000);
    expect(stdout).toBe('');
    expect(stderr).toContain(`checking AWS credentials at ${server.endpoint} …`);
    await closed;
    expect(stdout).toContain('✗ AWS credentials: cannot check: no answer from AWS within 2 s');
  }, 30_000);

  it('secret create: one error line and a hint, nothing printed on stdout, exit 1', async () => {
    const r = await runCli(['secret', 'create', '--region', 'cn-north-1'], { input: 'Canary-pw_7391#xyzzy\n', env: env(), cwd: dir, timeoutMs: 15_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: no answer from AWS within 300 ms (3 attempts)');
    expect(r.stderr).toContain('HPC_HA_AWS_TIMEOUT_MS');
    expect(r.stderr).not.toContain('    at ');
  });

  it('outputs: the same error, exit 1', async () => {
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: env(), timeoutMs: 15_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no answer from AWS within 300 ms (3 attempts)');
  });

  // The toolkit's own SDK clients get an agent that ends silent sockets; it reports the timeout as missing
  // credentials, which the CLI corrects.
  it.each([
    ['diff', ['diff']],
    ['deploy', ['deploy', '--skip-preflight', '--method', 'direct']],
    ['destroy', ['destroy', '--yes']],
  ])('%s (through the CDK toolkit): ends saying AWS did not answer, exit 1', async (_, command) => {
    const r = await runCli([...command, '-c', `${EXAMPLES}/cn-north-1.yaml`, '--app', oneStack], { env: env(), timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    // Either the update check's read of the deployed template or the toolkit's own call is the first to go unanswered.
    expect(r.stderr).toMatch(/error: no answer from AWS within (0\.3 s, after the toolkit's retries|300 ms \(\d attempts?\), reading the deployed template)/);
    expect(r.stderr).not.toContain('no credentials have been configured\n  set AWS_PROFILE');
  }, 45_000);

  it('a bad HPC_HA_AWS_TIMEOUT_MS is a usage error, exit 2', async () => {
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: { ...env(), HPC_HA_AWS_TIMEOUT_MS: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HPC_HA_AWS_TIMEOUT_MS=soon: not a positive number of milliseconds');
  });
});
