import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT } from './cli.js';
import { COLOR_SGR, usePty } from './pty.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-tty-destroy-'));
const oneStack = join(dir, 'one-stack.out');
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const pty = usePty();

/**
 * Stands in for every AWS endpoint (AWS_ENDPOINT_URL) and records each request: a refused destroy must leave it
 * empty. It answers every call with an error, so nothing can be deleted even if something is asked.
 */
const requests: string[] = [];
let endpoint = '';
let server: Server | undefined;

beforeAll(async () => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), oneStack], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`one-stack app failed: ${r.stderr}`);
  server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'text/xml' });
      res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>recording endpoint</Message></Error></ErrorResponse>');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  rmSync(dir, { recursive: true, force: true });
});

function awsEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

describe('hpc-ha destroy without --yes on a terminal (pty)', { timeout: 20_000 }, () => {
  it.for([
    ['NO_COLOR=1', { NO_COLOR: '1' }, false],
    ['colours on', {}, true],
  ] as const)('answering "n" deletes nothing and calls no AWS API, exit 1 (%s)', async ([, env, coloured], ctx) => {
    if (!pty.available) return ctx.skip();
    requests.length = 0;
    const s = pty.start(['destroy', '-c', CONFIG, '--app', oneStack], { env: awsEnv(env) });
    await s.waitFor('Are you sure you want to delete: EnginFrame');
    await s.waitFor(/Yes \/ . No/); // No is the preselected answer
    s.type('n');
    expect(await s.exit()).toBe(1);
    expect(s.text).toContain('error: not confirmed; nothing was deleted');
    expect(s.text).not.toContain('destroying');
    expect(requests).toEqual([]);
    // NO_COLOR (no-color.org): no colour in the prompt or the messages; the control run shows there is some.
    expect(COLOR_SGR.test(s.raw)).toBe(coloured);
  });

  it('control for the request recorder: answering "y" does go to AWS (the recorder refuses), exit 1', async (ctx) => {
    if (!pty.available) return ctx.skip();
    requests.length = 0;
    const s = pty.start(['destroy', '-c', CONFIG, '--app', oneStack], { env: awsEnv() });
    await s.waitFor(/Yes \/ . No/);
    s.type('y');
    expect(await s.exit(15_000)).toBe(1);
    expect(s.text).toContain('destroying');
    expect(requests.length).toBeGreaterThan(0);
  });
});
