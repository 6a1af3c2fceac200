import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, runCli } from './cli.js';
import { useMoto } from './moto.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-endpoints-'));
const oneStack = join(dir, 'one-stack.out');
const moto = useMoto();
beforeAll(() => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), oneStack], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`one-stack app failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AWS_ENDPOINT_URL_<SERVICE> (one endpoint per service, no AWS_ENDPOINT_URL)', () => {
  it('diff through the CDK toolkit reaches each service at its own http endpoint and ends, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const perService = Object.fromEntries(['STS', 'CLOUDFORMATION', 'SSM', 'S3'].map((s) => [`AWS_ENDPOINT_URL_${s}`, moto.server!.endpoint]));
    const started = Date.now();
    const r = await runCli(['diff', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--app', oneStack], {
      env: { ...perService, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeoutMs: 60_000,
    });
    expect(r.stderr).not.toContain('Protocol "http:" not supported');
    expect(r.stderr).not.toContain('no credentials have been configured');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[+] Output EnginFramePortalURL');
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 70_000);
});

describe('a command ends the process when it is done', () => {
  it('a timer left armed (as a failed SDK request leaves its 5-minute one) does not keep hpc-ha alive', async () => {
    // Loaded before the CLI: a referenced 10-minute timer, standing in for what a library leaves behind.
    const leak = 'data:text/javascript,setTimeout(() => {}, 600000)';
    const r = await runCli(['validate', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--json'], { nodeArgs: ['--import', leak], timeoutMs: 15_000 });
    expect(r.code).toBe(0);
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
  });

  it('the exit code survives the explicit exit (2 for an invalid config)', async () => {
    const r = await runCli(['validate', '-c', '/nonexistent/hpc-ha.yaml'], { nodeArgs: ['--import', 'data:text/javascript,setTimeout(() => {}, 600000)'] });
    expect(r.code).toBe(2);
  });
});
