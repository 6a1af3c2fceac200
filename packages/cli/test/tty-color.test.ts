import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { COLOR_SGR, usePty } from './pty.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-tty-color-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pty = usePty();
const ESC = String.fromCharCode(27);
const config = join(dir, 'hpc-ha.yaml');
beforeAll(async () => {
  // A fresh init config: valid, with placeholder warnings, so both streams get something to colour.
  expect((await runCli(['init', '--out', config])).code).toBe(0);
});

describe('colour is decided per stream (pty)', { timeout: 20_000 }, () => {
  it('`hpc-ha validate > file` at a terminal: the file gets no escape codes, the warnings on the terminal keep their colour', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, 'validate.out');
    const s = pty.start(['validate', '-c', config], { stdoutTo: out });
    expect(await s.exit()).toBe(0);
    const written = readFileSync(out, 'utf8');
    expect(written).toContain(`✓ ${config} is valid`);
    expect(written).not.toContain(ESC);
    expect(s.text).toContain('warning: portal.adminPasswordSecretArn');
    expect(COLOR_SGR.test(s.raw)).toBe(true);
  });

  it('control: with stdout on the terminal too, the verdict is coloured', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const s = pty.start(['validate', '-c', config]);
    expect(await s.exit()).toBe(0);
    expect(s.raw).toMatch(new RegExp(`${ESC}\\[32m✓${ESC}\\[39m `));
  });
});
