import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { COLOR_SGR, KEY, usePty, type PtySession } from './pty.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-tty-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pty = usePty();

const erase = (s: string) => KEY.backspace.repeat(s.length);

/** Where each session's previous answer was typed: the next prompt is looked for after it. */
const lastMark = new WeakMap<PtySession, number>();

/** Waits for `prompt` to appear after the previous answer, then types this one. */
async function answer(s: PtySession, prompt: string, keys: string): Promise<void> {
  await s.waitFor(prompt, { from: lastMark.get(s) ?? 0 });
  lastMark.set(s, s.text.length);
  s.type(keys);
}

describe('hpc-ha init on a terminal (pty, CI unset: prompts)', { timeout: 20_000 }, () => {
  it('the answers (region, name, AZs, CIDRs, secret ARN) end up in a config that validate accepts, exit 0', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, 'answered.yaml');
    const arn = 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:efadmin-AbCdEf';
    const s = pty.start(['init', '--out', out]);
    await answer(s, 'Region', KEY.down + KEY.enter); // cn-north-1 is preselected; the next one is cn-northwest-1
    // A name the loader would refuse is refused at the prompt, with the rule, and can be corrected.
    await answer(s, 'Deployment name', erase('hpcha') + 'Lab_1' + KEY.enter);
    await answer(s, '1-24 lower-case letters, digits, hyphens; starts with a letter', erase('Lab_1') + 'lab-tty' + KEY.enter);
    // a and b are preselected: keep a, drop b, take c.
    await answer(s, 'Two Availability Zones', KEY.down + KEY.space + KEY.down + KEY.space + KEY.enter);
    await answer(s, 'Portal', KEY.enter); // EnginFrame is preselected
    await answer(s, 'EnginFrame node instance type', erase('m5.xlarge') + 'c5.2xlarge' + KEY.enter);
    await answer(s, 'CIDRs allowed to open the portal', erase('10.0.0.0/8') + '192.168.10.0/24, 172.16.0.0/12' + KEY.enter);
    await answer(s, 'EnginFrame installer jar', KEY.enter);
    await answer(s, 'MySQL Connector/J jar', KEY.enter);
    await answer(s, 'efadmin password secret ARN', arn + KEY.enter);
    expect(await s.exit()).toBe(0);
    expect(s.text).toContain('config ready');
    expect(s.text).toContain(`wrote ${out} (lab-tty, cn-northwest-1)`);
    // The ARN was given, so the closing advice does not send the user to `secret create`.
    expect(s.text.slice(s.text.indexOf('config ready'))).not.toContain('hpc-ha secret create');

    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^name: lab-tty$/m);
    expect(text).toMatch(/^region: cn-northwest-1$/m);
    expect(text).toContain('cn-northwest-1a');
    expect(text).toContain('cn-northwest-1c');
    expect(text).not.toContain('cn-northwest-1b');
    expect(text).toContain('192.168.10.0/24');
    expect(text).toContain('172.16.0.0/12');
    expect(text).toContain('c5.2xlarge');
    expect(text).toContain(arn);
    const v = await runCli(['validate', '-c', out]);
    // The jars keep init's example bucket (a warning each); the secret ARN typed in is no placeholder.
    expect(v.stderr.trim().split('\n')).toEqual([expect.stringContaining('warning: portal.installer.uri: my-hpc-artifacts'), expect.stringContaining('warning: portal.jdbcDriver.uri: my-hpc-artifacts')]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('deployment lab-tty in cn-northwest-1');
  });

  it('choosing Open OnDemand asks no EnginFrame question and writes a portal.kind openondemand config with a directory to fill in', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, 'ondemand.yaml');
    const s = pty.start(['init', '--out', out, '--region', 'cn-north-1', '--name', 'ood']);
    await answer(s, 'Two Availability Zones', KEY.enter);
    await answer(s, 'Portal', KEY.down + KEY.enter);
    await answer(s, 'Open OnDemand node instance type', KEY.enter);
    await answer(s, 'CIDRs allowed to open the portal', KEY.enter);
    expect(await s.exit()).toBe(0);
    expect(s.text).not.toContain('EnginFrame installer jar');
    expect(s.text).toContain('edit the directory section');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^ {2}kind: openondemand$/m);
    expect(text).toMatch(/^directory:$/m);
    expect(text).not.toContain('installer:');
    const v = await runCli(['validate', '-c', out]);
    expect(v.code).toBe(0);
  });

  it('an existing file stops init before any prompt, untouched, exit 2; with --force the prompts run and it is replaced', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, 'existing.yaml');
    writeFileSync(out, '# mine\n');
    const refused = pty.start(['init', '--out', out]);
    expect(await refused.exit()).toBe(2);
    expect(refused.text).toContain(`error: ${out} already exists; nothing was written`);
    expect(refused.text).toContain('pass --force to overwrite it');
    expect(refused.text).not.toContain('hpc-ha init'); // the intro of the prompts never showed
    expect(readFileSync(out, 'utf8')).toBe('# mine\n');

    // --region and --name given: those two are not asked; Enter accepts every other default.
    const forced = pty.start(['init', '--out', out, '--force', '--region', 'us-east-1', '--name', 'lab']);
    for (const prompt of ['Two Availability Zones', 'Portal', 'EnginFrame node instance type', 'CIDRs allowed', 'EnginFrame installer jar', 'MySQL Connector/J jar', 'efadmin password secret ARN']) {
      await answer(forced, prompt, KEY.enter);
    }
    expect(await forced.exit()).toBe(0);
    expect(forced.text).not.toMatch(/Region\n/);
    expect(forced.text).not.toContain('Deployment name');
    expect(readFileSync(out, 'utf8')).toMatch(/^region: us-east-1$/m);
    expect((await runCli(['validate', '-c', out])).code).toBe(0);
  });

  it('Ctrl-C at a prompt cancels: nothing written, exit 2', async (ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, 'cancelled.yaml');
    const s = pty.start(['init', '--out', out]);
    await answer(s, 'Region', KEY.enter);
    await answer(s, 'Deployment name', KEY.ctrlC);
    expect(await s.exit()).toBe(2);
    expect(s.text).toContain('nothing was written');
    expect(s.text).toContain('error: cancelled');
    expect(existsSync(out)).toBe(false);
  });

  it.for([
    ['CI=true', ['init'], { CI: 'true' }],
    ['--yes', ['init', '--yes'], {}],
  ] as const)('on a terminal with %s it asks nothing and writes the defaults, exit 0', async ([label, args, env], ctx) => {
    if (!pty.available) return ctx.skip();
    const out = join(dir, `no-prompt-${label.replace(/\W/g, '')}.yaml`);
    const s = pty.start([...args, '--out', out], { env });
    expect(await s.exit()).toBe(0);
    expect(s.text).not.toContain('Region');
    expect(s.text).toContain(`wrote ${out} (hpcha, cn-north-1)`);
    expect((await runCli(['validate', '-c', out])).code).toBe(0);
  });

  it.for([
    ['--no-color', ['--no-color'], {}, false],
    ['NO_COLOR=1 FORCE_COLOR=1', [], { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['no colour setting (control)', [], {}, true],
  ] as const)('the prompts follow the colour settings: %s', async ([, flags, env, coloured], ctx) => {
    if (!pty.available) return ctx.skip();
    const s = pty.start([...flags, 'init', '--out', join(dir, 'colour.yaml')], { env });
    await answer(s, 'Region', KEY.ctrlC);
    expect(await s.exit()).toBe(2);
    expect(COLOR_SGR.test(s.raw)).toBe(coloured);
  });
});
