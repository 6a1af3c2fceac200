import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hpc-ha init (stdin is not a terminal: flags and defaults, no prompts)', () => {
  it.each(['cn-north-1', 'cn-northwest-1', 'us-east-1'])('writes a commented config for %s that validates, exit 0', async (region) => {
    const out = join(dir, `${region}.yaml`);
    const r = await runCli(['init', '--region', region, '--name', 'lab', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wrote ${out} (lab, ${region})`);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=')).toBe(true);
    expect(text).toContain('# EnginFrame node type (seed: ec2_type_enginframe)');
    const v = await runCli(['validate', '-c', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`deployment lab in ${region}`);
  });

  it.each(['cn-north-1', 'us-east-1'])('--portal openondemand writes an Open OnDemand config for %s that validates, without EnginFrame keys; its database is only for accounting', async (region) => {
    const out = join(dir, `ood-${region}.yaml`);
    const r = await runCli(['init', '--region', region, '--portal', 'openondemand', '--out', out]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^ {2}kind: openondemand$/m);
    expect(text).not.toMatch(/installer:|jdbcDriver:|adminPasswordSecretArn:/m);
    // Slurm accounting is on in new configs, and Open OnDemand's Aurora exists only for it, at the smallest capacity.
    expect(text).toMatch(/^accounting:\n {2}enabled: true$/m);
    expect(text).toMatch(/^database:\n(?: {2}.*\n)*? {2}minCapacity: 0\.5$/m);
    expect(r.stderr).toContain('edit the directory section');
    expect(r.stderr).not.toContain('secret create');
    const v = await runCli(['validate', '-c', out]);
    expect(v.code, v.stderr).toBe(0);
  });

  it('--portal with an unknown kind is refused, exit 2, nothing written', async () => {
    const out = join(dir, 'bad-portal.yaml');
    const r = await runCli(['init', '--portal', 'jupyterhub', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--portal jupyterhub: not a portal hpc-ha deploys');
    expect(existsSync(out)).toBe(false);
  });

  it('uses cn-north-1 and ./hpc-ha.yaml by default', async () => {
    const cwd = mkdtempSync(join(dir, 'default-'));
    const r = await runCli(['init'], { cwd });
    expect(r.code).toBe(0);
    expect(readFileSync(join(cwd, 'hpc-ha.yaml'), 'utf8')).toContain('region: cn-north-1');
    expect(r.stderr).toContain('hpc-ha secret create --write-config');
  });

  it('never overwrites an existing file without --force (exit 2), and does with it', async () => {
    const out = join(dir, 'existing.yaml');
    writeFileSync(out, '# mine\n');
    const r = await runCli(['init', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out} already exists; nothing was written`);
    expect(readFileSync(out, 'utf8')).toBe('# mine\n');
    const forced = await runCli(['init', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('name: hpcha');
  });

  it('rejects an unknown region with the supported list, exit 2, nothing written', async () => {
    const out = join(dir, 'bad-region.yaml');
    const r = await runCli(['init', '--region', 'cn-south-1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--region cn-south-1: not a region hpc-ha supports');
    expect(r.stderr).toContain('cn-northwest-1');
    expect(existsSync(out)).toBe(false);
  });

  it('rejects a name the config loader refuses, citing the line, exit 2', async () => {
    const out = join(dir, 'bad-name.yaml');
    const r = await runCli(['init', '--name', 'My_Lab', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-name\.yaml:\d+:\d+ name: "My_Lab" is not a valid deployment name/);
    expect(existsSync(out)).toBe(false);
  });
});
