import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-synthdir-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const moto = useMoto();

describe('no cloud assembly is left behind', () => {
  it('diff synthesizes into a temporary folder and removes it: nothing new in TMPDIR or the working directory', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const tmp = join(dir, 'tmp');
    const cwd = join(dir, 'cwd');
    mkdirSync(tmp);
    mkdirSync(cwd);
    const r = await runCli(['diff', '-c', CONFIG, '--stacks', 'VPC'], { env: { ...motoEnv(moto.server.endpoint), TMPDIR: tmp }, cwd, timeoutMs: 150_000 });
    expect(r.stderr).toMatch(/\d+ differences/);
    expect(r.code).toBe(0);
    // hpc-ha-assets is the infra app's content-addressed staging of generated text assets (same text, same file).
    expect(readdirSync(tmp).filter((f) => f !== 'hpc-ha-assets')).toEqual([]);
    expect(readdirSync(cwd)).toEqual([]);
  }, 160_000);

  it('Ctrl-C during synth leaves neither --out nor a partial folder, exit 130', async () => {
    const work = join(dir, 'interrupted');
    mkdirSync(work);
    const child = spawn(process.execPath, [BIN, 'synth', '-c', CONFIG, '--out', 'cdk.out'], { cwd: work, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      // The staged folder exists from here on; the assembly is being written.
      if (stderr.includes('synthesizing')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toContain('synthesizing');
    expect(code).toBe(130);
    expect(existsSync(join(work, 'cdk.out'))).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  }, 150_000);

  it('synth refuses an --out that holds files of yours (no manifest.json), exit 2, and keeps them', async () => {
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const r = await runCli(['synth', '-c', CONFIG, '--out', mine]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${mine}: the directory is not empty and holds no cloud assembly (manifest.json); nothing was written`);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });

  it('synth --out under directories that do not exist yet makes them, and leaves only the assembly there', async () => {
    const parent = join(dir, 'new', 'deeper');
    const r = await runCli(['synth', '-c', CONFIG, '--out', join(parent, 'cdk.out')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(['cdk.out']);
    expect(existsSync(join(parent, 'cdk.out', 'manifest.json'))).toBe(true);
  }, 120_000);
});

describe('a read-only --out is a usage error (exit 2), named before any work', () => {
  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
  // As root every directory is writable: run as nobody, as a user would meet it.
  const uid = process.getuid?.() === 0 ? 65534 : undefined;

  it.each([
    ['render', ['render', '-c', CONFIG, '--out', join(readOnly, 'rendered')]],
    ['synth', ['synth', '-c', CONFIG, '--out', join(readOnly, 'cdk.out')]],
    ['init', ['init', '--region', 'cn-north-1', '--out', join(readOnly, 'hpc-ha.yaml')]],
  ])('%s', async (_name, args) => {
    const r = await runCli(args, { cwd: dir, ...(uid !== undefined ? { uid } : {}) });
    expect(r.stderr).toContain(`${readOnly} is not writable (EACCES); nothing was written`);
    expect(r.stderr).not.toContain('    at ');
    expect(r.code).toBe(2);
    expect(readdirSync(readOnly)).toEqual([]);
  });
});
