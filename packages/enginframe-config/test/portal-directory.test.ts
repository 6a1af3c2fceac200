import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSssdConf } from '@hpc-ha/sssd-config';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderPortalBootstrap, type PortalBootstrapSpec } from '../src/index.js';
import { allFiles, createNode, type SimNode, type World } from '../../../tools/test-harness/portal-node-sim.js';
import { EF_NODE, newWorld, testSpec, useDatabase } from './support/portal-fixtures.js';

// Each scenario boots simulated nodes (hundreds of stub processes each): give a busy machine time.
vi.setConfig({ testTimeout: 180_000 });

const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
const BIND_PASSWORD = 'CANARY-bind-pa55 word';
const BIND_SECRET = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpcha/ldap-bind-AbCdEf';

function testCa(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-ca-'));
  spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=corp CA', '-keyout', join(dir, 'k'), '-out', join(dir, 'c')]);
  const pem = readFileSync(join(dir, 'c'));
  rmSync(dir, { recursive: true, force: true });
  return pem;
}
const CA = testCa();

const directory: NonNullable<PortalBootstrapSpec['directory']> = {
  directoryType: 'activeDirectory',
  sssd: {
    schema: 'ad',
    ldapUris: ['ldaps://10.0.128.10', 'ldaps://10.0.192.10'],
    searchBase: 'DC=corp,DC=example,DC=com',
    bindDn: 'CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
    caCertFile: '/efs/hpc-ha/directory/ca.pem',
    homeDirectory: '/efs/home/%u',
  },
  bindPasswordSecretArn: BIND_SECRET,
  caCertificate: { uri: 's3://hpc-ha-artifacts/directory/ca.pem', sha256: createHash('sha256').update(CA).digest('hex') },
  homeRoot: '/efs/home',
};

// The database endpoint listens on a port of this helper's own range (16900-16949).
const DB_PORT = 16948;
useDatabase(DB_PORT);
const spec = (extra: Partial<PortalBootstrapSpec> = {}): PortalBootstrapSpec => testSpec(1, DB_PORT, { directory, ...extra });

describe('portal bootstrap with a directory (bash, stub commands)', () => {
  let world: World;
  let node: SimNode;
  let run: ReturnType<SimNode['run']>;

  beforeAll(() => {
    world = newWorld();
    world.s3('hpc-ha-artifacts/directory/ca.pem', CA);
    world.secret(BIND_SECRET, BIND_PASSWORD);
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node = createNode(world, 'node1', '10.0.1.10', EF_NODE);
    run = node.run(renderPortalBootstrap(spec()));
  });
  afterAll(() => world.cleanup());

  it('configures sssd after the mounts and before EnginFrame starts', () => {
    expect(run.status, node.log()).toBe(0);
    const at = (prefix: string) => run.calls.findIndex((c) => c.startsWith(prefix));
    expect(at('authselect select sssd with-mkhomedir --force')).toBeGreaterThan(at('mount '));
    expect(at('systemctl restart sssd')).toBeGreaterThan(at('authselect '));
    expect(at('systemctl start enginframe')).toBeGreaterThan(at('systemctl restart sssd'));
    expect(node.log()).toMatch(/\[directory\] begin/);
  });

  it('writes the rendered sssd.conf, the checked CA on EFS, and the password only in the root-only snippet', () => {
    expect(node.file('etc/sssd/sssd.conf')).toBe(renderSssdConf(directory.sssd));
    expect(statSync(join(node.root, 'etc/sssd/sssd.conf')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(node.root, 'efs/hpc-ha/directory/ca.pem'))).toEqual(CA);
    const snippet = join(node.root, 'etc/sssd/conf.d/50-hpc-ha-bind-password.conf');
    expect(statSync(snippet).mode & 0o777).toBe(0o600);
    expect(readFileSync(snippet, 'utf8')).toContain(`ldap_default_authtok = ${BIND_PASSWORD}\n`);
    expect(statSync(join(node.root, 'efs/home')).mode & 0o777).toBe(0o755);
  });

  it('keeps the bind password out of the script, the log, every command line and every other file', () => {
    expect(renderPortalBootstrap(spec())).not.toContain('CANARY');
    expect(run.calls.join('\n')).not.toContain('CANARY');
    for (const file of allFiles(world.dir)) {
      if (file.includes('/secrets/') || file.endsWith('50-hpc-ha-bind-password.conf')) continue;
      expect(readFileSync(file).includes('CANARY-bind'), file).toBe(false);
    }
  });

  it('does nothing for directory users when the spec has no directory', () => {
    const other = createNode(world, 'node1b', '10.0.1.11', EF_NODE);
    const plain = other.run(renderPortalBootstrap(spec({ directory: undefined })));
    expect(plain.status, other.log()).toBe(0);
    expect(plain.calls.some((c) => c.startsWith('authselect') || c.includes('sssd'))).toBe(false);
  });

  it.skipIf(!haveShellcheck)('the rendered script with the directory step passes shellcheck', () => {
    const check = spawnSync('shellcheck', ['--shell=bash', '-'], { input: renderPortalBootstrap(spec()), encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
