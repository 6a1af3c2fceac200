import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { renderOodBootstrap, renderOodBootstrapProgram, renderOodClusterYml, renderOodHomeHook, type OodBootstrapSpec } from '../src/index.js';
import { allFiles, createNode, createWorld, type NodeOptions, type SimNode, type World } from '../../../tools/test-harness/portal-node-sim.js';

const OOD_NODE: NodeOptions = { logFile: 'var/log/hpc-ha/ondemand-bootstrap.log' };
import { bootstrapSpec } from './support/specs.js';

// Each scenario boots simulated nodes (hundreds of stub processes each): give a busy machine time.
vi.setConfig({ testTimeout: 180_000 });

const inCi = process.env['CI'] === 'true';
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (inCi && !haveShellcheck) throw new Error('CI=true but shellcheck is not installed');

// Canaries: secret values that must never show up in a log, a command line or any file but the root-only config.
const BIND_PASSWORD = 'CANARY-bind "pa$$" & \\ #: 中文🚀 `x`';
const PASSPHRASE = 'CANARY-passphrase-&-%s-\\1';
const MUNGE = Buffer.concat([Buffer.from('CANARY-munge-key-'), Buffer.alloc(1000, 7)]);
const CANARIES = ['CANARY-bind', 'CANARY-passphrase', MUNGE.toString('base64').slice(0, 40)];

const signals = (calls: string[]): string[] => calls.filter((c) => c.startsWith('cfn-signal '));

function spec(nodeIndex: 1 | 2, extra: Partial<OodBootstrapSpec> = {}): OodBootstrapSpec {
  const base = bootstrapSpec();
  return bootstrapSpec({
    nodeIndex,
    ownCluster: `cluster${nodeIndex}`,
    timeouts: { clusterPublicationSeconds: 2, pollSeconds: 1, packageSourceSeconds: 5 },
    signal: { stackName: 'hpc-ha-OpenOnDemand', logicalResourceId: `Node${nodeIndex}Asg` },
    portal: { ...base.portal, dexLdap: { ...base.portal.dexLdap!, host: `ldap${nodeIndex}.corp.example.cn:636` } },
    ...extra,
  });
}

function newWorld(): World {
  const world = createWorld();
  const s = bootstrapSpec();
  world.secret(s.secrets.oidcCryptoPassphrase.secretArn, PASSPHRASE);
  world.secret(s.secrets.ldapBindPassword!.secretArn, BIND_PASSWORD);
  world.secret(s.mungeKeySecretArn, MUNGE.toString('base64'));
  return world;
}

function expectNoSecretOutsideConfig(world: World, nodes: SimNode[]): void {
  for (const file of allFiles(world.dir)) {
    // The root-only files that must hold a secret: Open OnDemand's config, sssd's password snippet, the munge key.
    if (file.includes('/secrets/') || file.endsWith('/etc/ood/config/ood_portal.yml') || file.endsWith('-bind-password.conf') || file.endsWith('munge.key')) continue;
    const text = readFileSync(file).toString('utf8');
    for (const canary of CANARIES) expect(text.includes(canary), `secret in ${file}`).toBe(false);
  }
  for (const node of nodes) for (const canary of CANARIES) expect(node.calls().join('\n')).not.toContain(canary);
}

describe.skipIf(!haveShellcheck)('shellcheck', () => {
  it.each([
    ['node 1, Dex and LDAP, repository', spec(1)],
    ['node 2, S3 bundle, no signal', spec(2, { signal: undefined, ondemand: { version: '4.2.3', bundle: { uri: 's3://hpc-ha-artifacts-cn/ood.tar', sha256: 'a'.repeat(64) } } })],
  ])('the rendered script for %s is clean', (_name, s) => {
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: renderOodBootstrap(s), encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('the home hook nginx_stage runs is clean', () => {
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: renderOodHomeHook({ homeRoot: '/efs/home' }), encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('Open OnDemand bootstrap under bash with stub commands', () => {
  let world: World;
  let node1: SimNode;
  let first: ReturnType<SimNode['run']>;

  beforeAll(() => {
    world = newWorld();
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node1 = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
    first = node1.run(renderOodBootstrap(spec(1)));
  });
  afterAll(() => world.cleanup());

  it('first boot installs Open OnDemand and Dex from the repository and signals success', () => {
    expect(first.status, node1.log()).toBe(0);
    expect(first.calls).toContain('dnf install -y https://yum.osc.edu/ondemand/4.2/ondemand-release-web-4.2-1.amzn2023.noarch.rpm');
    expect(first.calls).toContain('dnf install -y --setopt=install_weak_deps=False ondemand-4.2.3 ondemand-dex');
    expect(signals(first.calls)).toEqual([
      'cfn-signal --exit-code 0 --reason hpc-ha Open OnDemand node 1 is ready --stack hpc-ha-OpenOnDemand --resource Node1Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn',
    ]);
    expect(first.calls).toContain('systemctl restart httpd ondemand-dex');
    expect(first.calls.some((c) => c.endsWith('update_ood_portal --force --detailed-exitcodes'))).toBe(true);
  });

  it('the node’s ood_portal.yml is root-only and holds the secrets exactly, read back by a YAML parser', () => {
    expect(node1.mode('etc/ood/config/ood_portal.yml')).toBe('600');
    const portal = parse(node1.file('etc/ood/config/ood_portal.yml')) as Record<string, any>;
    expect(portal['oidc_crypto_passphrase']).toBe(PASSPHRASE);
    expect(portal['dex'].connectors[0].config.bindPW).toBe(BIND_PASSWORD);
    expect(portal['dex'].connectors[0].config.host).toBe('ldap1.corp.example.cn:636');
    expect(portal['servername']).toBe('internal-hpc-ha-alb-1234567890.cn-north-1.elb.amazonaws.com.cn');
  });

  it('configures directory users through the shared sssd step before Apache starts, homes on EFS', () => {
    const order = (needle: string) => first.calls.findIndex((c) => c.startsWith(needle));
    expect(order('authselect select sssd with-mkhomedir')).toBeGreaterThan(-1);
    expect(order('authselect select sssd with-mkhomedir')).toBeLessThan(order('systemctl restart httpd'));
    expect(node1.file('etc/sssd/sssd.conf')).toContain('override_homedir = /efs/home/%u');
    expect(node1.mode('etc/sssd/conf.d/50-hpc-ha-bind-password.conf')).toBe('600');
    expect(node1.exists('efs/home')).toBe(true);
  });

  it('installs the home hook nginx_stage runs as root before each user’s web server, and names it in ood_portal.yml', () => {
    const portal = parse(node1.file('etc/ood/config/ood_portal.yml')) as Record<string, any>;
    expect(portal['pun_pre_hook_root_cmd']).toBe('/usr/local/sbin/hpc-ha-ood-home');
    expect(node1.mode('usr/local/sbin/hpc-ha-ood-home')).toBe('755');
    expect(node1.file('usr/local/sbin/hpc-ha-ood-home')).toBe(renderOodHomeHook({ homeRoot: '/efs/home' }));
  });

  it('makes a certificate for the portal name and points that name at itself for the Dex back-channel', () => {
    const name = 'internal-hpc-ha-alb-1234567890.cn-north-1.elb.amazonaws.com.cn';
    const check = spawnSync('openssl', ['x509', '-in', join(node1.root, 'etc/pki/tls/certs/hpc-ha-portal.crt'), '-noout', '-checkhost', name], { encoding: 'utf8' });
    expect(check.stdout).toContain('does match');
    expect(node1.mode('etc/pki/tls/private/hpc-ha-portal.key')).toBe('600');
    expect(node1.file('etc/hosts')).toBe(`127.0.0.1 ${name} # hpc-ha: Dex back-channel stays on this node\n`);
  });

  it('writes this AZ’s cluster for Open OnDemand with its head node, and copies its Slurm client locally', () => {
    expect(parse(node1.file('etc/ood/config/clusters.d/cluster1.yml'))).toEqual(
      parse(renderOodClusterYml({ title: 'Cluster 1 (cn-north-1a)', slurmBinDir: '/opt/slurm/bin', slurmConf: '/etc/hpc-ha/slurm/cluster1/slurm.conf', loginHost: '10.0.1.100' })),
    );
    expect(node1.exists('etc/ood/config/clusters.d/cluster2.yml')).toBe(false);
    expect(node1.log()).toContain('cluster cluster2 has not published yet');
    expect(node1.file('opt/slurm/bin/sbatch')).toContain('24.11.6');
    expect(node1.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toContain('ClusterName=cluster1');
    expect(node1.file('etc/ood/config/ondemand.d/hpc-ha.yml')).toContain('dashboard_title: HPC Portal');
    expect(first.calls).toContain('systemctl enable --now hpc-ha-portal-resync.timer');
  });

  it('a re-run changes nothing: no reinstall, no restart', () => {
    const before = node1.file('etc/ood/config/ood_portal.yml');
    const again = node1.run(renderOodBootstrap(spec(1)));
    expect(again.status, node1.log()).toBe(0);
    expect(again.calls.filter((c) => c.startsWith('dnf install -y https') || c.includes('restart') || c.includes('update_ood_portal') || c.startsWith('mount -t nfs'))).toEqual([]);
    expect(node1.file('etc/ood/config/ood_portal.yml')).toBe(before);
    expect(node1.log()).toContain('Open OnDemand 4.2.3 already installed');
  });

  it('the re-sync timer adds a cluster published later, from the saved settings alone, without signalling', () => {
    world.publish('cluster2', '10.0.2.100', '24.11.6');
    expect(node1.file('usr/local/sbin/hpc-ha-ondemand-bootstrap')).toBe(renderOodBootstrap(spec(1)));
    const run = node1.run(renderOodBootstrapProgram(), ['resync']);
    expect(run.status, node1.log()).toBe(0);
    expect(parse(node1.file('etc/ood/config/clusters.d/cluster2.yml')).v2.login.host).toBe('10.0.2.100');
    expect(signals(run.calls)).toEqual([]);
  });

  it('a replacement node rebuilds everything on its own, with nothing to wait for', () => {
    const replacement = createNode(world, 'node1-replacement', '10.0.1.77', OOD_NODE);
    const run = replacement.run(renderOodBootstrap(spec(1)));
    expect(run.status, replacement.log()).toBe(0);
    expect(run.calls).toContain('dnf install -y --setopt=install_weak_deps=False ondemand-4.2.3 ondemand-dex');
    expect(replacement.exists('etc/ood/config/clusters.d/cluster1.yml')).toBe(true);
    expect(replacement.exists('etc/ood/config/clusters.d/cluster2.yml')).toBe(true);
    expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
    expectNoSecretOutsideConfig(world, [node1, replacement]);
  });
});

describe('Open OnDemand bootstrap: failures and other sources', () => {
  it('node 2 comes up while the other AZ is down (cluster1 never published, its FSx server dead, node 1 absent)', () => {
    const world = newWorld();
    try {
      world.publish('cluster2', '10.0.2.100', '24.11.6');
      // The mount stub fails (slowly, as Lustre does) for a dead server: the node must never mount it itself.
      world.killFsxServer('fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn');
      const node2 = createNode(world, 'node2', '10.0.2.20', OOD_NODE);
      const run = node2.run(renderOodBootstrap(spec(2)));
      expect(run.status, node2.log()).toBe(0);
      const mounts = run.calls.filter((c) => c.startsWith('mount '));
      expect(mounts).toContain(`mount ${node2.root}/fsx_cluster2`);
      expect(mounts.some((c) => c.includes('fsx_cluster1'))).toBe(false);
      expect(run.calls).toContain('systemctl start fsx_cluster1.automount');
      expect(node2.file('etc/fstab')).toContain(
        'fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn@tcp:/abcdefgh /fsx_cluster1 lustre defaults,noatime,flock,_netdev,nofail,x-systemd.automount,x-systemd.mount-timeout=30,x-systemd.idle-timeout=120 0 0',
      );
      expect(node2.file('etc/fstab')).toContain('/fsx_cluster2 lustre defaults,noatime,flock,_netdev 0 0');
      expect(node2.exists('etc/ood/config/clusters.d/cluster2.yml')).toBe(true);
      expect(node2.exists('etc/ood/config/clusters.d/cluster1.yml')).toBe(false);
      expect(parse(node2.file('etc/ood/config/ood_portal.yml')).dex.connectors[0].config.host).toBe('ldap2.corp.example.cn:636');
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 --reason hpc-ha Open OnDemand node 2 is ready')]);
    } finally {
      world.cleanup();
    }
  });

  it('an unreachable package repository fails fast with a signal that names it', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.cutInternet();
      const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
      const started = Date.now();
      const run = node.run(renderOodBootstrap(spec(1)));
      expect(run.status).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(signals(run.calls)).toEqual([
        "cfn-signal --exit-code 1 --reason hpc-ha Open OnDemand node 1 failed in step 'ondemand-packages': the Open OnDemand repository is unreachable: https://yum.osc.edu/ondemand/4.2/ondemand-release-web-4.2-1.amzn2023.noarch.rpm (stage a package bundle in S3 instead, see README) (log: /var/log/hpc-ha/ondemand-bootstrap.log) --stack hpc-ha-OpenOnDemand --resource Node1Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn",
      ]);
      expect(run.calls.some((c) => c.startsWith('systemctl') && c.includes('httpd'))).toBe(false);
    } finally {
      world.cleanup();
    }
  });

  it('a node whose repositories lack munge installs the munge build of its head node (same OS and architecture)', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.withoutMungePackage();
      const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
      const run = node.run(renderOodBootstrap(spec(1)));
      expect(run.status, node.log()).toBe(0);
      expect(run.calls.some((c) => c.startsWith('dnf install') && / munge( |$)/.test(c))).toBe(false);
      expect(node.file('opt/hpc-ha/munge/sbin/munged')).toContain('munged from the head node');
      expect(node.file('etc/systemd/system/munge.service')).toContain('ExecStart=/opt/hpc-ha/munge/sbin/munged --foreground');
      expect(run.calls).toContain('systemctl restart munge');
    } finally {
      world.cleanup();
    }
  });

  it('this AZ’s cluster not published yet: the node serves and signals success; the re-sync adds the cluster when it publishes', () => {
    const world = newWorld();
    try {
      const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
      const run = node.run(renderOodBootstrap(spec(1)));
      expect(run.status, node.log()).toBe(0);
      expect(node.log()).not.toContain('waiting for the head node');
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
      expect(node.exists('etc/ood/config/clusters.d/cluster1.yml')).toBe(false);
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const resync = node.run(renderOodBootstrap(spec(1)), ['resync']);
      expect(resync.status, node.log()).toBe(0);
      expect(parse(node.file('etc/ood/config/clusters.d/cluster1.yml')).v2.login.host).toBe('10.0.1.100');
      expect(node.file('opt/slurm/bin/sbatch')).toContain('24.11.6');
      expect(signals(resync.calls)).toEqual([]);
    } finally {
      world.cleanup();
    }
  });

  describe('an S3 bundle instead of the repository (China without a route to the project)', () => {
    const rpms = ['ondemand-4.2.3-1.amzn2023.x86_64.rpm', 'ondemand-dex-2.41.1-1.amzn2023.x86_64.rpm'];
    let tar: Buffer;
    beforeAll(() => {
      const dir = mkdtempSync(join(tmpdir(), 'oodcfg-bundle-'));
      try {
        mkdirSync(join(dir, 'rpms'));
        for (const r of rpms) writeFileSync(join(dir, 'rpms', r), `rpm ${r}`);
        spawnSync('tar', ['-cf', join(dir, 'b.tar'), '-C', join(dir, 'rpms'), '.']);
        tar = readFileSync(join(dir, 'b.tar'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    const bundleSpec = (sha: string) => spec(1, { ondemand: { version: '4.2.3', bundle: { uri: 's3://hpc-ha-artifacts-cn/ood/ondemand-4.2.3.tar', sha256: sha } } });

    it('installs the bundled RPMs after checking the SHA-256, with the internet cut', () => {
      const world = newWorld();
      try {
        world.publish('cluster1', '10.0.1.100', '24.11.6');
        world.cutInternet();
        world.s3('hpc-ha-artifacts-cn/ood/ondemand-4.2.3.tar', tar);
        const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
        const run = node.run(renderOodBootstrap(bundleSpec(createHash('sha256').update(tar).digest('hex'))));
        expect(run.status, node.log()).toBe(0);
        const install = run.calls.find((c) => c.includes('ondemand-rpms/'))!;
        expect(install).toMatch(/^dnf install -y --setopt=install_weak_deps=False \S+ondemand-rpms\/\S*ondemand-4\.2\.3-1\.amzn2023\.x86_64\.rpm \S+ondemand-dex-/);
        expect(run.calls.some((c) => c.includes('yum.osc.edu'))).toBe(false);
      } finally {
        world.cleanup();
      }
    });

    it('refuses a bundle whose checksum differs, and says so in the signal', () => {
      const world = newWorld();
      try {
        world.publish('cluster1', '10.0.1.100', '24.11.6');
        world.s3('hpc-ha-artifacts-cn/ood/ondemand-4.2.3.tar', tar);
        const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
        const run = node.run(renderOodBootstrap(bundleSpec('b'.repeat(64))));
        expect(run.status).not.toBe(0);
        expect(signals(run.calls)).toEqual([expect.stringContaining(`failed in step 'ondemand-packages': SHA-256 mismatch for the Open OnDemand package bundle: expected ${'b'.repeat(64)}`)]);
        expect(run.calls.some((c) => c.includes('ondemand-rpms/'))).toBe(false);
      } finally {
        world.cleanup();
      }
    });

    it('a bundle missing from S3 fails with a signal naming the object', () => {
      const world = newWorld();
      try {
        world.publish('cluster1', '10.0.1.100', '24.11.6');
        const node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
        const run = node.run(renderOodBootstrap(bundleSpec('c'.repeat(64))));
        expect(run.status).not.toBe(0);
        expect(signals(run.calls)).toEqual([
          expect.stringContaining("failed in step 'ondemand-packages': cannot download the Open OnDemand package bundle from s3://hpc-ha-artifacts-cn/ood/ondemand-4.2.3.tar"),
        ]);
      } finally {
        world.cleanup();
      }
    });
  });
});

describe('first boot with a portal name longer than an X.509 CN allows', () => {
  // An internal load balancer's name in China is often this long; OpenSSL refuses a CN over 64 characters.
  const longName = `internal-${'a'.repeat(32)}-${'1'.repeat(10)}.${'b'.repeat(10)}.cn-north-1.elb.amazonaws.com.cn`.padStart(100, 'x');
  let world: World;
  let node: SimNode;
  let run: ReturnType<SimNode['run']>;
  beforeAll(() => {
    world = newWorld();
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
    const base = spec(1);
    run = node.run(renderOodBootstrap({ ...base, portal: { ...base.portal, serverName: longName } }));
  });
  afterAll(() => world.cleanup());

  it('boots, with the name in subjectAltName and a subject CN that fits', () => {
    expect(longName).toHaveLength(100);
    expect(run.status, node.log()).toBe(0);
    const crt = join(node.root, 'etc/pki/tls/certs/hpc-ha-portal.crt');
    const text = spawnSync('openssl', ['x509', '-in', crt, '-noout', '-text'], { encoding: 'utf8' }).stdout;
    expect(text).toContain(`DNS:${longName}`);
    const subject = spawnSync('openssl', ['x509', '-in', crt, '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' }).stdout.trim();
    const cn = subject.replace(/^subject=CN=/, '');
    expect(cn.length).toBeLessThanOrEqual(64);
    expect(cn).toBe('hpc-ha Open OnDemand node 1');
    expect(spawnSync('openssl', ['x509', '-in', crt, '-noout', '-checkhost', longName], { encoding: 'utf8' }).stdout).toContain('does match');
  });

  it('keeps that certificate on a re-run (the name still matches)', () => {
    const crt = 'etc/pki/tls/certs/hpc-ha-portal.crt';
    const before = node.file(crt);
    expect(node.run(renderOodBootstrap({ ...spec(1), portal: { ...spec(1).portal, serverName: longName } })).status, node.log()).toBe(0);
    expect(node.file(crt)).toBe(before);
    expect(node.log()).toContain(`certificate for ${longName} present`);
  });
});

describe('logins through a directory outage: Dex follows the directory server that answers', () => {
  let world: World;
  let node: SimNode;
  const withFailover = (): OodBootstrapSpec => {
    const base = spec(1);
    return { ...base, portal: { ...base.portal, dexLdap: { ...base.portal.dexLdap!, host: 'ldap1.corp.example.cn:636', failoverHosts: ['ldap2.corp.example.cn:636'] } } };
  };
  const dexHost = (): string => (parse(node.file('etc/ood/config/ood_portal.yml')) as any).dex.connectors[0].config.host;
  const healthy = (): boolean => node.exists('var/www/ood/public/hpc-ha-health');
  beforeAll(() => {
    world = newWorld();
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node = createNode(world, 'node1', '10.0.1.10', OOD_NODE);
  });
  afterAll(() => world.cleanup());

  it('a node booting while its own AZ’s server is down starts Dex on the other one, healthy', () => {
    world.directoryDown('ldap1.corp.example.cn:636', true);
    const boot = node.run(renderOodBootstrap(withFailover()));
    expect(boot.status, node.log()).toBe(0);
    expect(dexHost()).toBe('ldap2.corp.example.cn:636');
    expect(healthy()).toBe(true);
    expect(node.log()).toContain('directory server ldap1.corp.example.cn:636 does not answer');
    expect(node.file('etc/systemd/system/hpc-ha-ondemand-directory.timer')).toContain('OnUnitActiveSec=20s');
    expect(node.file('etc/systemd/system/hpc-ha-ondemand-directory.service')).toContain('ExecStart=/usr/local/sbin/hpc-ha-ondemand-bootstrap directory');
    expect(boot.calls).toContain('systemctl enable --now hpc-ha-ondemand-directory.timer');
    // The load balancer's health check carries the node's address as Host: Apache serves it instead of redirecting.
    expect((parse(node.file('etc/ood/config/ood_portal.yml')) as any).server_aliases).toEqual(['10.0.1.10']);
  });

  it('the timer switches Dex back to its own AZ’s server when it answers again, restarting Dex only', () => {
    world.directoryDown('ldap1.corp.example.cn:636', false);
    const tick = node.run(renderOodBootstrap(withFailover()), ['directory']);
    expect(tick.status, node.log()).toBe(0);
    expect(dexHost()).toBe('ldap1.corp.example.cn:636');
    expect(tick.calls).toContain('systemctl restart ondemand-dex');
    expect(tick.calls.some((c) => c.startsWith('systemctl restart httpd'))).toBe(false);
    expect(tick.calls.some((c) => c.startsWith('cfn-signal'))).toBe(false);
    expect(node.log()).toContain('Dex now asks directory server ldap1.corp.example.cn:636 (was ldap2.corp.example.cn:636)');
  });

  it('a tick with nothing changed regenerates and restarts nothing', () => {
    const tick = node.run(renderOodBootstrap(withFailover()), ['directory']);
    expect(tick.status, node.log()).toBe(0);
    expect(tick.calls.filter((c) => !c.startsWith('ldapsearch'))).toEqual([]);
  });

  it('with every directory server down the health file goes (the load balancer stops sending users), and comes back', () => {
    world.directoryDown('ldap1.corp.example.cn:636', true);
    world.directoryDown('ldap2.corp.example.cn:636', true);
    const down = node.run(renderOodBootstrap(withFailover()), ['directory']);
    expect(down.status, node.log()).toBe(0);
    expect(healthy()).toBe(false);
    expect(dexHost()).toBe('ldap1.corp.example.cn:636');
    expect(down.calls.some((c) => c.startsWith('systemctl restart'))).toBe(false);
    world.directoryDown('ldap2.corp.example.cn:636', false);
    node.run(renderOodBootstrap(withFailover()), ['directory']);
    expect(healthy()).toBe(true);
    expect(dexHost()).toBe('ldap2.corp.example.cn:636');
  });

  it('without Dex (an external OpenID Connect provider) the node is healthy once Apache serves', () => {
    const w = newWorld();
    try {
      w.publish('cluster1', '10.0.1.100', '24.11.6');
      w.secret('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/oidc-client-AbCdEf', 'client-secret');
      const n = createNode(w, 'node1', '10.0.1.10', OOD_NODE);
      const base = spec(1);
      const oidc: OodBootstrapSpec = {
        ...base,
        portal: { serverName: base.portal.serverName, oidc: { metadataUrl: 'https://idp.example.cn/.well-known/openid-configuration', clientId: 'hpc' } },
        secrets: { oidcCryptoPassphrase: base.secrets.oidcCryptoPassphrase, oidcClientSecret: { secretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpc-ha/oidc-client-AbCdEf' } },
      };
      expect(n.run(renderOodBootstrap(oidc)).status, n.log()).toBe(0);
      expect(n.file('var/www/ood/public/hpc-ha-health')).toBe('ok\n');
      expect(n.exists('etc/systemd/system/hpc-ha-ondemand-directory.timer')).toBe(false);
    } finally {
      w.cleanup();
    }
  });
});
