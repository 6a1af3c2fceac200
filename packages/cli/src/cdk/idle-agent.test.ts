import { createServer as createHttpServer, request as httpRequest, type RequestOptions, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idleTimeoutAgent } from './idle-agent.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-agent-'));
let plain: Server;
let tls: Server;
beforeAll(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  plain = createHttpServer((_q, r) => r.end('plain'));
  tls = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_q, r) => r.end('tls'));
  await Promise.all([plain, tls].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
});
afterAll(() => {
  plain.close();
  tls.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(request: typeof httpRequest, port: number, agent: ReturnType<typeof idleTimeoutAgent>): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/', agent, rejectUnauthorized: false } as RequestOptions, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

describe('the toolkit agent (one agent for http and https)', () => {
  it('serves an http endpoint and an https endpoint through the same agent, per request', async () => {
    const agent = idleTimeoutAgent(5_000);
    try {
      expect(await get(httpRequest, (plain.address() as AddressInfo).port, agent)).toBe('plain');
      expect(await get(httpsRequest as typeof httpRequest, (tls.address() as AddressInfo).port, agent)).toBe('tls');
      expect(await get(httpRequest, (plain.address() as AddressInfo).port, agent)).toBe('plain');
    } finally {
      agent.destroy();
    }
  });
});
