import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, REPO_ROOT, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 1-based line and column of `value` on the line that holds `needle` in the file. */
function where(file: string, needle: string, value: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  return { line: i + 1, column: lines[i]!.indexOf(value) + 1 };
}

function variant(name: string, edit: (text: string) => string): string {
  const file = join(dir, name);
  writeFileSync(file, edit(readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8')));
  return file;
}

describe('hpc-ha validate', () => {
  it('accepts the directory example and says where users come from', async () => {
    const r = await runCli(['validate', '-c', 'examples/directory/cn-northwest-1-active-directory.yaml'], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(0);
    // Only the placeholder warnings: the example keeps init's example bucket for its jars and CA certificate.
    for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(/:\d+:\d+ warning: \S+: my-hpc-artifacts is the example bucket/);
    expect(r.stdout).toContain('users: Active Directory corp.example.com (2 server(s)), homes /efs/home/<user>, admins: group hpc-admins');
  });

  it('refuses ldap:// with the file and line, exit 2', async () => {
    const file = join(dir, 'plain-ldap.yaml');
    const example = `${EXAMPLES}/directory/cn-northwest-1-active-directory.yaml`;
    writeFileSync(file, readFileSync(example, 'utf8').replace('uris: [ldaps://10.0.128.10', 'uris: [ldap://10.0.128.10'));
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    const at = where(file, 'uris: [ldap://', 'ldap://');
    expect(r.stderr).toContain(`${file}:${at.line}:${at.column} directory.uris[0]: "ldap://10.0.128.10" is plain LDAP`);
  });

  it.each(['cn-north-1', 'cn-northwest-1', 'us-east-1'])('accepts examples/%s.yaml with a summary, exit 0', async (region) => {
    const r = await runCli(['validate', '-c', `examples/${region}.yaml`], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ examples/${region}.yaml is valid`);
    expect(r.stdout).toContain(`in ${region} (partition ${region.startsWith('cn-') ? 'aws-cn' : 'aws'})`);
    expect(r.stdout).toMatch(/-cluster1 in \S+: ParallelCluster/);
  });

  it('runs the deploy-time checks synth runs: user data over 16 KB is refused offline, exit 2', async () => {
    const file = variant('long-pip-index.yaml', (t) =>
      t.replace(/^clusters:\n/m, `clusters:\n  provisioner: instance\n  pipIndexUrl: https://pypi.example.cn/${'x'.repeat(17_000)}/simple/\n`).replace(/^ {2}provisioner: cloudformation\n/m, ''),
    );
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/:\d+:\d+ portal: the user data of portal node 1 and 2 would be about \d+ bytes, over EC2's limit of 16384/);
  });

  it('takes the file as a positional argument too', async () => {
    const r = await runCli(['validate', `${EXAMPLES}/cn-northwest-1.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cn-northwest-1.yaml is valid');
    const both = await runCli(['validate', `${EXAMPLES}/cn-northwest-1.yaml`, '-c', `${EXAMPLES}/us-east-1.yaml`]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('two configs given');
  });

  it('reads HPC_HA_CONFIG when -c is not given', async () => {
    const r = await runCli(['validate'], { env: { HPC_HA_CONFIG: `${EXAMPLES}/us-east-1.yaml` } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('us-east-1.yaml is valid');
  });

  it('--quiet prints only the verdict', async () => {
    const r = await runCli(['--quiet', 'validate', '-c', `${EXAMPLES}/cn-north-1.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe('');
  });

  it('lists every problem as file:line:col path: message, exit 2', async () => {
    const file = variant('bad.yaml', (t) => t.replace('instanceType: m5.xlarge', 'instanceType: m7g.large').replace('maxCapacity: 4', 'maxCapacity: 400'));
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    const at = where(file, 'instanceType: m7g.large', 'm7g.large');
    expect(r.stderr).toContain(`${file}:${at.line}:${at.column} portal.instanceType: "m7g.large" is an Arm (Graviton) type; EnginFrame runs only on x86_64`);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+ database.maxCapacity: `));
    expect(r.stderr).toContain(`2 problems in ${file}`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
  });

  it('--json prints the issues array (file, line, column, path, message), exit 2', async () => {
    const file = variant('bad-json.yaml', (t) => t.replace('name: hpcha', 'name: Hpcha_1').replace('vpcCidr: 10.0.0.0/16', 'vpcCidr: 10.0.0.0/28'));
    const r = await runCli(['validate', '--json', '-c', file]);
    expect(r.code).toBe(2);
    const issues = JSON.parse(r.stdout) as { file: string; line: number; column: number; path: string; message: string }[];
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['name', 'network.vpcCidr']));
    const cidr = issues.find((i) => i.path === 'network.vpcCidr')!;
    expect(cidr).toMatchObject({ file, ...where(file, 'vpcCidr: 10.0.0.0/28', '10.0.0.0/28') });
  });

  it('--json prints [] for a valid config without warnings, exit 0', async () => {
    // The examples stage their jars in the placeholder bucket my-hpc-artifacts-*, which validate warns about.
    const file = variant('clean.yaml', (t) => t.replaceAll('my-hpc-artifacts-', 'lab-artifacts-'));
    const r = await runCli(['validate', '--json', '-c', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('a YAML syntax error is located, exit 2', async () => {
    const file = variant('syntax.yaml', (t) => t.replace('region: cn-north-1', 'region: [cn-north-1'));
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+ YAML syntax`));
  });

  it('a missing file is a usage error that says what to do, exit 2', async () => {
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no hpc-ha.yaml in');
    expect(r.stderr).toContain('hpc-ha init');
    const explicit = await runCli(['validate', '-c', join(dir, 'nope.yaml')]);
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toContain('nope.yaml: no such file');
  });
});
