import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

function write(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** No Node error codes, no stack frames: what the user reads is the CLI's own words. */
function expectNoRawError(stderr: string): void {
  expect(stderr).not.toMatch(/\bE[A-Z]{3,}\b:| {4}at |node:internal/);
}

describe('a config that is not one costs one line (through the binary)', () => {
  it('a file over 1 MiB: one line naming it, exit 2', async () => {
    const file = write('huge.yaml', `${EXAMPLE}# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${file} the file is 2.0 MiB; a config is at most 1 MiB, so this is not one (check the path)\n1 problem in ${file}\n`);
  });

  it('a file that is not UTF-8: one line with the place of the first bad byte, exit 2', async () => {
    const text = EXAMPLE.replace('project: hpc-ha', 'project: caf\u00e9');
    const file = write('latin1.yaml', Buffer.from(text, 'latin1'));
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${file}:${lineOf(text, 'project: caf')}:15 the file is not UTF-8 text \\(byte 0xe9 at offset \\d+\\); save it as UTF-8$`));
  });

  it('a YAML alias bomb is refused at its file and line, exit 2', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]'];
    const text = `${EXAMPLE}${bomb.join('\n')}\n`;
    const file = write('bomb.yaml', text);
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, 'd: &d')}:8 YAML aliases expand to too many values (more than 100)`);
    expectNoRawError(r.stderr);
  });

  it('200 000 keys with one duplicate: the duplicate, located, in seconds, exit 2', async () => {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const chars = `${letters}0123456789`;
    const keys = Array.from({ length: 200_000 }, (_, i) => letters[Math.floor(i / 238_328) % 52]! + chars[i % 62]! + chars[Math.floor(i / 62) % 62]! + chars[Math.floor(i / 3844) % 62]!);
    const text = EXAMPLE.replace(/^tags:\n( {2}.*\n)+/m, `tags: {${[...keys, keys[1]].join(',')}}\n`);
    const file = write('many-keys.yaml', text);
    const r = await runCli(['validate', '-c', file], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, 'tags: {')}:`);
    expect(r.stderr).toContain(`YAML syntax: Map keys must be unique: "${keys[1]}" is already on line`);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  }, 40_000);
});

describe('wrong paths are one clear line and exit 2, never a raw Node error', () => {
  it('render --out <a file>', async () => {
    const file = write('not-a-dir', 'mine\n');
    const r = await runCli(['render', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --out ${file}: is a file, not a directory`);
    expectNoRawError(r.stderr);
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('synth --out <a file>, before synthesizing anything', async () => {
    const file = write('not-a-dir-either', 'mine\n');
    const r = await runCli(['synth', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--out', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --out ${file}: is a file, not a directory`);
    expect(r.stderr).not.toContain('synthesizing');
    expectNoRawError(r.stderr);
  });

  it('init --out missing/dir/x', async () => {
    const r = await runCli(['init', '--out', 'missing/dir/x.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --out missing/dir/x.yaml: the directory missing/dir does not exist');
    expect(r.stderr).toContain('mkdir -p missing/dir');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    expectNoRawError(r.stderr);
  });

  it('secret create -c <a directory>, before asking for the password', async () => {
    const r = await runCli(['secret', 'create', '-c', dir], { input: 'Canary-pw_7391#xyzzy\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${dir}: is a directory, not a config file`);
    expectNoRawError(r.stderr);
  });

  it('a missing HPC_HA_CONFIG file is named, with the variable', async () => {
    const missing = join(dir, 'gone.yaml');
    const r = await runCli(['validate'], { env: { HPC_HA_CONFIG: missing }, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: HPC_HA_CONFIG=${missing}: no such file`);
    expect(r.stderr).toContain('fix or unset HPC_HA_CONFIG');
  });

  it('init with an AWS_REGION hpc-ha does not support is an error, not a cn-north-1 config, exit 2', async () => {
    const cwd = mkdtempSync(join(dir, 'region-'));
    const r = await runCli(['init'], { cwd, env: { AWS_REGION: 'eu-west-9' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: AWS_REGION=eu-west-9: not a region hpc-ha supports; nothing was written');
    expect(r.stderr).toContain('pass --region <one of cn-north-1');
    expect(readdirSync(cwd)).toEqual([]);
    const given = await runCli(['init', '--region', 'us-east-1'], { cwd, env: { AWS_REGION: 'eu-west-9' } });
    expect(given.code).toBe(0);
  });
});

describe('render into a directory that is not empty', () => {
  const files = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile()).sort();

  it('refuses one it did not write, writing nothing, exit 2', async () => {
    const out = mkdtempSync(join(dir, 'mine-'));
    writeFileSync(join(out, 'notes.txt'), 'keep\n');
    const r = await runCli(['render', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: --out ${out}: the directory is not empty and was not written by hpc-ha render; nothing was written`);
    expect(files(out)).toEqual(['notes.txt']);
  });

  it('renders again into its own output, replacing only what it wrote: added files stay, files it no longer makes go', async () => {
    const out = join(dir, 'again');
    expect((await runCli(['render', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--out', out])).code).toBe(0);
    const first = files(out);
    expect(first).toContain('clusters/cluster1.yaml');
    writeFileSync(join(out, 'clusters', 'my-notes.txt'), 'keep\n');
    writeFileSync(join(out, 'clusters', 'cluster1.yaml'), 'edited by hand\n');
    // A 2.x config renders .ini files instead of .yaml: the .yaml of the first render are its own, so they go.
    const legacy = readFileSync(`${EXAMPLES}/cn-northwest-1.yaml`, 'utf8');
    const v2 = write('v2.yaml', legacy.replace(/parallelclusterVersion: .*/, 'parallelclusterVersion: 2.11.9').replace(/^(\s+)os: .*/m, '$1os: alinux2'));
    const r = await runCli(['render', '-c', v2, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const second = files(out);
    expect(second).toContain('clusters/my-notes.txt');
    expect(readFileSync(join(out, 'clusters', 'my-notes.txt'), 'utf8')).toBe('keep\n');
    expect(second).toContain('clusters/cluster1.ini');
    expect(second).not.toContain('clusters/cluster1.yaml');
  });
});

describe('validate names init placeholders (warnings, exit 0)', () => {
  it('the all-zero account in the secret ARN and the example bucket, each at its line, exit 0', async () => {
    const out = join(dir, 'fresh.yaml');
    expect((await runCli(['init', '--out', out])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    const r = await runCli(['validate', '-c', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ ${out} is valid`);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toEqual([
      `${out}:${lineOf(text, 'adminPasswordSecretArn:')}:27 warning: portal.adminPasswordSecretArn: account 000000000000 is the placeholder \`hpc-ha init\` writes: run \`hpc-ha secret create --write-config -c ${out}\``,
      `${out}:${lineOf(text, 'uri: s3://my-hpc-artifacts-cn-north-1/enginframe')}:10 warning: portal.installer.uri: my-hpc-artifacts is the example bucket \`hpc-ha init\` writes: upload the file to a bucket of yours in this region and put its s3:// URI here`,
      `${out}:${lineOf(text, 'uri: s3://my-hpc-artifacts-cn-north-1/jdbc')}:10 warning: portal.jdbcDriver.uri: my-hpc-artifacts is the example bucket \`hpc-ha init\` writes: upload the file to a bucket of yours in this region and put its s3:// URI here`,
    ]);
    const json = await runCli(['validate', '--json', '-c', out]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { path: string; severity: string }[]).map((i) => [i.path, i.severity])).toEqual([
      ['portal.adminPasswordSecretArn', 'warning'],
      ['portal.installer.uri', 'warning'],
      ['portal.jdbcDriver.uri', 'warning'],
    ]);
  });

  it('real values: no warning', async () => {
    const file = write('real.yaml', EXAMPLE.replaceAll('my-hpc-artifacts-cn-north-1', 'lab-artifacts-cn-north-1'));
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
