import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runCli } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(root, f)).isFile() && f !== '.hpc-ha-render.json').sort();
}

describe('hpc-ha render', () => {
  it('writes every artefact with README.txt describing each, placeholders for deploy-time values, exit 0', async () => {
    const out = join(dir, 'cn');
    const r = await runCli(['render', '-c', `${EXAMPLES}/cn-north-1.yaml`, '--out', out]);
    expect(r.code).toBe(0);
    const written = files(out);
    for (const f of ['clusters/cluster1.yaml', 'clusters/cluster2.yaml', 'portal/efinstall.config', 'portal/ef.slurm.conf', 'database/bootstrap.sql', 'portal/bootstrap-program.sh', 'README.txt']) {
      expect(written).toContain(f);
    }
    expect(r.stdout).toContain(`✓ wrote ${written.length} files to ${out}`);
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    for (const f of written) expect(readme).toMatch(new RegExp(`^${f.replace(/[.]/g, '\\.')}\\s{2,}\\S`, 'm'));
    const cluster1 = readFileSync(join(out, 'clusters/cluster1.yaml'), 'utf8');
    expect(cluster1).toMatch(/<[A-Za-z0-9]+>/);
    for (const f of written) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(text, f).not.toContain('${Token[');
      if (f.endsWith('.sh')) expect(statSync(join(out, f)).mode & 0o111, f).not.toBe(0);
    }
  });

  it('renders ParallelCluster 2.x configs as .ini for provisioner: instance', async () => {
    const config = join(dir, 'legacy.yaml');
    writeFileSync(
      config,
      readFileSync(`${EXAMPLES}/cn-northwest-1.yaml`, 'utf8').replace(/parallelclusterVersion: .*/, 'parallelclusterVersion: 2.11.9').replace(/^(\s+)os: .*/m, '$1os: alinux2'),
    );
    const v = await runCli(['validate', '-c', config]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr).toMatch(/clusters\.parallelclusterVersion: .*2\.11\.9 is out of support since 2023-12-31/);
    const out = join(dir, 'legacy');
    const r = await runCli(['render', '-c', config, '--out', out]);
    expect(r.code).toBe(0);
    expect(files(out).some((f) => /^clusters\/cluster1\.ini$/.test(f))).toBe(true);
  });

  it('shows the portal nodes’ sssd.conf for a directory, naming a directory the stack creates by its DNS name', async () => {
    const example = join(EXAMPLES, 'directory', 'cn-northwest-1-active-directory.yaml');
    const config = join(dir, 'managed-ad.yaml');
    writeFileSync(
      config,
      readFileSync(example, 'utf8')
        .replace(/^ {2}uris: .*\n/m, '  create: true\n')
        .replace(/^ {2}bindDn: .*\n/m, ''),
    );
    const out = join(dir, 'directory');
    const r = await runCli(['render', '-c', config, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const sssd = readFileSync(join(out, 'portal/sssd.conf'), 'utf8');
    // Its LDAPS certificates name the domain, which the VPC resolves through the controllers: never an IP address.
    expect(sssd).toContain('ldap_uri = ldaps://corp.example.com\n');
    expect(sssd).toContain('ldap_default_bind_dn = CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com\n');
    expect(sssd).not.toMatch(/authtok\s*=/);
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toMatch(/^portal\/sssd\.conf\s{2,}sssd\.conf of both portal nodes/m);
    expect(readFileSync(join(out, 'clusters/cluster2.yaml'), 'utf8')).toContain('DomainAddr: ldaps://corp.example.com');
  });

  it('an invalid config writes nothing, exit 2', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, readFileSync(`${EXAMPLES}/cn-north-1.yaml`, 'utf8').replace('name: compute', 'name: Compute_Q'));
    const out = join(dir, 'bad-out');
    const r = await runCli(['render', '-c', config, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ clusters\.queues\[0\]\.name: /);
    expect(existsSync(out)).toBe(false);
  });
});
