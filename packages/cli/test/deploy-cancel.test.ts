import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, PACKAGE_ROOT, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';
import { usePty } from './pty.js';

const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const moto = useMoto({ resetEach: true });
const pty = usePty();
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-cancel-'));
const app = join(dir, 'with-role.out');

beforeAll(() => {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'test/fixtures/one-stack-app.mjs'), app, 'cn-north-1', 'hpcha', 'with-role'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`app failed: ${r.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deployed(): Promise<boolean> {
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await cfn.send(new DescribeStacksCommand({ StackName: 'hpcha-EnginFrame' }));
    return true;
  } catch {
    return false;
  }
}

// --skip-preflight: moto has no EC2 offerings for China regions; the preflight has its own tests.
const args = ['deploy', '-c', CONFIG, '--app', app, '--method', 'direct', '--skip-preflight'];

describe('a deploy that is not confirmed (a new IAM role widens permissions), against moto_server', { timeout: 60_000 }, () => {
  it('off a terminal without --yes: exit 1, says why, no usage hint, no portal hint, nothing deployed', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(args, { env: motoEnv(moto.server.endpoint), timeoutMs: 50_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rerun with --yes to approve them');
    expect(r.stderr).toContain('error: Deployment cancelled; nothing more was changed');
    expect(r.stderr).not.toContain('stack ids:');
    expect(r.stderr).not.toContain('hpc-ha outputs');
    expect(await deployed()).toBe(false);
  });

  it('answering "n" at the terminal: exit 1 with the same message and nothing deployed (pty)', async (ctx) => {
    if (!moto.server || !pty.available) return ctx.skip();
    const s = pty.start(args, { env: { ...motoEnv(moto.server.endpoint), NO_COLOR: '1' } });
    await s.waitFor('Deploy these security-related changes?', { timeoutMs: 40_000 });
    await s.waitFor(/Yes \/ . No/);
    s.type('n');
    expect(await s.exit(15_000)).toBe(1);
    expect(s.text).toContain('error: Deployment cancelled; nothing more was changed');
    expect(s.text).not.toContain('stack ids:');
    expect(s.text).not.toContain('hpc-ha outputs');
    expect(await deployed()).toBe(false);
  });

  it('control: --yes deploys it, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli([...args, '--yes'], { env: motoEnv(moto.server.endpoint), timeoutMs: 50_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await deployed()).toBe(true);
  });
});
