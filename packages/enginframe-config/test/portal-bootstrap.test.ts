import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  renderAgentConfSettings,
  renderEfinstallConfig,
  renderEfSlurmConf,
  renderPortalBootstrap,
  renderPortalBootstrapEnv,
  renderPortalBootstrapProgram,
  type PortalBootstrapSpec,
} from '../src/index.js';
import { javaAvailable, loadWithJava } from './support/java.js';
import { allFiles, createNode, MUNGE_BUILD, type SimNode, type World } from '../../../tools/test-harness/portal-node-sim.js';
import { ADMIN_PASSWORD, CANARIES, DB_HOST, DB_PASSWORD, DRIVER, EF_NODE, EF_VERSION, useDatabase, MUNGE_KEY, newWorld, signals, testSpec } from './support/portal-fixtures.js';
import { efinstallSpec } from './support/specs.js';

// Each scenario boots simulated nodes (hundreds of stub processes each): give a busy machine time.
vi.setConfig({ testTimeout: 180_000 });

const inCi = process.env['CI'] === 'true';
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (inCi && !haveShellcheck) throw new Error('CI=true but shellcheck is not installed');

// The database endpoint listens on a port of this suite's own (16750-16799 range).
const DB_PORT = 16751;
useDatabase(DB_PORT);
const spec = (nodeIndex: 1 | 2, extra: Partial<PortalBootstrapSpec> = {}): PortalBootstrapSpec => testSpec(nodeIndex, DB_PORT, extra);

/** A 2.x cluster config as pcluster-config's renderLegacyIni writes it (abridged). */
const LEGACY_INI = '[aws]\naws_region_name = cn-north-1\n\n[global]\ncluster_template = cluster1\n\n[cluster cluster1]\nscheduler = slurm\nbase_os = alinux2\n';

function expectNoSecretAnywhere(world: World, nodes: SimNode[]): void {
  const texts: [string, string][] = [];
  for (const file of allFiles(world.dir)) {
    if (file.includes('/secrets/') || file.endsWith('/chpasswd') || file.endsWith('munge.key') || file.includes('captured-efinstall')) continue;
    texts.push([file, readFileSync(file).toString('utf8')]);
  }
  for (const node of nodes) texts.push([`${node.root} calls`, node.calls().join('\n')]);
  for (const [where, text] of texts) for (const canary of CANARIES) expect(text.includes(canary), `secret found in ${where}`).toBe(false);
}

describe.skipIf(!haveShellcheck)('shellcheck', () => {
  it.each([
    ['node 1', spec(1)],
    ['node 2 without signal', spec(2, { signal: undefined })],
    ['instance provisioner', spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configYaml: 'Region: cn-north-1\nImage:\n  Os: alinux2023\n', pipIndexUrl: 'https://mirrors.aliyun.com/pypi/simple/' } })],
    ['instance provisioner, ParallelCluster 2.x', spec(1, { pcluster: { version: '2.11.9', clusterName: 'cluster1', configIni: LEGACY_INI, pipIndexUrl: 'https://mirrors.aliyun.com/pypi/simple/' } })],
  ])('the rendered script for %s is clean', (_name, s) => {
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: renderPortalBootstrap(s), encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('portal bootstrap under bash with stub commands', () => {
  let world: World;
  let node1: SimNode;
  let node2: SimNode;
  let first1: ReturnType<SimNode['run']>;

  beforeAll(() => {
    world = newWorld();
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
    node2 = createNode(world, 'node2', '10.0.2.20', EF_NODE);
    first1 = node1.run(renderPortalBootstrap(spec(1)));
  });
  afterAll(() => world.cleanup());

  it('node 1 first boot installs EnginFrame once on EFS and signals success', () => {
    expect(first1.status, node1.log()).toBe(0);
    expect(signals(first1.calls)).toEqual([
      'cfn-signal --exit-code 0 --reason hpc-ha portal node 1 is ready --stack hpc-ha-EnginFrame --resource Node1Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn',
    ]);
    expect(world.installs()).toBe(1);
    expect(node1.file('efs/hpc-ha/enginframe/installed')).toBe(`version=${EF_VERSION}\ninstalled-by=node1 10.0.1.10\n`);
    expect(readFileSync(join(node1.root, `efs/nice/enginframe/${EF_VERSION}/enginframe/WEBAPP/WEB-INF/lib/mysql-connector-j.jar`))).toEqual(DRIVER);
    expect(first1.calls).toContain('dnf install -y --setopt=install_weak_deps=False java-11-amazon-corretto-headless amazon-efs-utils lustre-client nfs-utils jq aws-cfn-bootstrap iptables-nft');
  });

  it('node 1 sets up mounts, accounts, munge and this AZ’s Slurm client', () => {
    expect(node1.file('etc/fstab').split('\n').filter(Boolean)).toEqual([
      'fs-0123456789abcdef0:/ /efs efs _netdev,tls 0 0',
      'fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn@tcp:/abcdefgh /fsx_cluster1 lustre defaults,noatime,flock,_netdev 0 0',
      'fs-0bbbbbbbbbbbbbbb2.fsx.cn-north-1.amazonaws.com.cn@tcp:/ijklmnop /fsx_cluster2 lustre defaults,noatime,flock,_netdev,nofail,x-systemd.automount,x-systemd.mount-timeout=30,x-systemd.idle-timeout=120 0 0',
    ]);
    expect(first1.calls).toContain('groupadd --gid 5000 efadmin');
    expect(first1.calls).toContain('useradd --uid 5001 --gid 5001 --create-home --shell /bin/bash efnobody');
    expect(readFileSync(join(node1.state, 'chpasswd'), 'utf8')).toBe(`efadmin:${ADMIN_PASSWORD}\n`);
    expect(readFileSync(join(node1.root, 'etc/munge/munge.key'))).toEqual(MUNGE_KEY);
    expect(first1.calls).toContain('chown munge:munge ' + first1.calls.find((c) => c.startsWith('chown munge:munge '))!.split(' ')[2]);
    expect(node1.file('opt/slurm/bin/sinfo')).toContain('24.11.6');
    expect(node1.file('opt/slurm/.hpc-ha-slurm-version')).toBe('24.11.6\n');
    expect(node1.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toBe(readFileSync(join(world.efs, 'hpc-ha/clusters/cluster1/slurm.conf'), 'utf8'));
    expect(node1.exists('etc/hpc-ha/slurm/cluster2/slurm.conf')).toBe(false);
    expect(node1.log()).toContain('cluster cluster2 has not published yet');
    expect(readdirSync(join(node1.root, 'run/hpc-ha'))).toEqual([]);
  });

  it.skipIf(!javaAvailable())('the installer got the rendered efinstall.config plus the DB password, in a 0600 file deleted afterwards', () => {
    const captured = join(world.dir, 'captured-efinstall.config');
    const got = loadWithJava([captured]).get(captured)!.entries;
    expect(got.get('kernel.ef.db.admin.password')).toBe(DB_PASSWORD);
    expect(got.get('kernel.ef.enterprise.tcp.servers')).toBe('10.0.1.10:7800');
    expect(got.get('kernel.java.home')).toBe(join(world.dir, 'stubs'));
    expect(got.get('kernel.server.tomcat.https.ef.hostname')).toBe('ip-10-0-1-10');
    expect(got.get('kernel.ef.db.url')).toBe(`jdbc:mysql://${DB_HOST}:${DB_PORT}/EnginFrameDB`);
    expect(readFileSync(join(world.dir, 'captured-efinstall.mode'), 'utf8').trim()).toBe('600');
    expect(readdirSync(join(node1.root, 'var/lib/hpc-ha')).filter((f) => f.startsWith('efinstall'))).toEqual([]);
    // Everything but the node-specific markers and the password is exactly renderEfinstallConfig's text.
    const rendered = renderEfinstallConfig(efinstallSpec({ enterpriseServers: ['@HPC_HA_ENTERPRISE_SERVERS@'] }));
    expect(rendered.split('\n').filter((l) => l.startsWith('ef.') || l.startsWith('intro-targets'))).toEqual(
      readFileSync(captured, 'utf8').split('\n').filter((l) => l.startsWith('ef.') || l.startsWith('intro-targets')),
    );
  });

  it('node 1 writes ef.slurm.conf whole and its managed settings into the installed files', () => {
    expect(node1.file('efs/nice/enginframe/conf/plugins/slurm/ef.slurm.conf')).toBe(
      renderEfSlurmConf({
        binDir: '/opt/slurm/bin',
        clusters: [
          { id: 'CLUSTER1', label: 'Cluster 1 (cn-north-1a)', conf: '/etc/hpc-ha/slurm/cluster1/slurm.conf' },
          { id: 'CLUSTER2', label: 'Cluster 2 (cn-north-1b)', conf: '/etc/hpc-ha/slurm/cluster2/slurm.conf' },
        ],
      }),
    );
    const agent = node1.file('efs/nice/enginframe/conf/enginframe/agent.conf');
    expect(agent).toBe(
      `ef.output.limit=100000\n${renderAgentConfSettings({ downloadServerUrl: 'https://localhost:8443/enginframe/download' })}`,
    );
    expect(node1.file('efs/nice/enginframe/conf/enginframe/server.conf')).toContain('ef.enterprise.tcp.servers=10.0.1.10\\:7800\n');
    expect(node1.file('efs/nice/enginframe/conf/enginframe.conf')).toContain(`JAVA_HOME="${join(world.dir, 'stubs')}"\nSERVER_MIN_HEAP="1024m"`);
    expect(first1.calls).toContain('systemctl start enginframe');
    expect(first1.calls).toContain('systemctl enable --now hpc-ha-portal-resync.timer');
    expect(node1.file('etc/systemd/system/hpc-ha-portal-resync.service')).toContain('ExecStart=/usr/local/sbin/hpc-ha-portal-bootstrap resync');
  });

  it('a re-run of node 1 changes nothing and reinstalls nothing', () => {
    const before = { fstab: node1.file('etc/fstab'), agent: node1.file('efs/nice/enginframe/conf/enginframe/agent.conf') };
    const again = node1.run(renderPortalBootstrap(spec(1)));
    expect(again.status, node1.log()).toBe(0);
    expect(world.installs()).toBe(1);
    expect(node1.file('etc/fstab')).toBe(before.fstab);
    expect(node1.file('efs/nice/enginframe/conf/enginframe/agent.conf')).toBe(before.agent);
    expect(again.calls.filter((c) => c.includes('restart enginframe') || c.includes('host-setup') || c.startsWith('mount -t nfs'))).toEqual([]);
    expect(node1.log()).toContain('not reinstalling');
  });

  it('node 2 first boot joins the shared install with host-setup and both IPs become members', () => {
    world.publish('cluster2', '10.0.2.100', '24.11.6');
    const run = node2.run(renderPortalBootstrap(spec(2)));
    expect(run.status, node2.log()).toBe(0);
    expect(world.installs()).toBe(1);
    expect(run.calls).toContain(`enginframe host-setup --roles=server,agent --boot=y`);
    expect(run.calls.some((c) => c.startsWith('java '))).toBe(false);
    expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
    expect(node2.file('efs/nice/enginframe/conf/enginframe/server.conf')).toContain('ef.enterprise.tcp.servers=10.0.1.10\\:7800,10.0.2.20\\:7800\n');
    expect(node2.file('etc/hpc-ha/slurm/cluster2/slurm.conf')).toContain('SlurmctldHost=ip-10-0-2-100(10.0.2.100)');
    expect(node2.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toContain('SlurmctldHost=ip-10-0-1-100(10.0.1.100)');
    expect(run.calls).toContain(`mount -t nfs -o ro,nolock 10.0.2.100:/opt/slurm ${node2.root}/run/hpc-ha/${run.calls.find((c) => c.startsWith('mount -t nfs'))!.split('/run/hpc-ha/')[1]}`);
  });

  it('the re-sync timer’s run on node 1 picks up the cluster published later, without signalling', () => {
    const copy = node1.file('usr/local/sbin/hpc-ha-portal-bootstrap');
    expect(copy).toBe(renderPortalBootstrap(spec(1)));
    // The timer runs the installed copy; the program alone must also work from the persisted env file.
    const run = node1.run(renderPortalBootstrapProgram(), ['resync']);
    expect(run.status, node1.log()).toBe(0);
    expect(node1.file('etc/hpc-ha/slurm/cluster2/slurm.conf')).toContain('ClusterName=cluster2');
    expect(signals(run.calls)).toEqual([]);
  });

  it('a replacement node 1 reuses the install and re-registers its new IP', () => {
    const replacement = createNode(world, 'node1-replacement', '10.0.1.77', EF_NODE);
    const run = replacement.run(renderPortalBootstrap(spec(1)));
    expect(run.status, replacement.log()).toBe(0);
    expect(world.installs()).toBe(1);
    expect(replacement.log()).toContain('not reinstalling');
    expect(readFileSync(join(world.efs, 'hpc-ha/enginframe/members/node1'), 'utf8')).toBe('10.0.1.77\n');
    expect(replacement.file('efs/nice/enginframe/conf/enginframe/server.conf')).toContain('ef.enterprise.tcp.servers=10.0.1.77\\:7800,10.0.2.20\\:7800\n');
    expect(run.calls).toContain('enginframe host-setup --roles=server,agent --boot=y');
    expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
    expect(replacement.file('opt/slurm/bin/sinfo')).toContain('24.11.6');
  });

  it('no secret appears in any file, log, settings copy or command line', () => {
    expectNoSecretAnywhere(world, [node1, node2]);
    expect(node1.file('etc/hpc-ha/portal.env')).toContain('readonly HPC_HA_DB_SECRET_ARN=');
  });
});

describe('munge on the portal: distribution package, else the head node\'s build, else a clear failure', () => {
  const unit = 'etc/systemd/system/munge.service';

  it('uses the distribution package when `dnf info munge` finds one, and installs nothing from the head node', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status, node1.log()).toBe(0);
      const info = run.calls.indexOf('dnf info munge');
      expect(info).toBeGreaterThan(-1);
      expect(run.calls.indexOf('dnf install -y --setopt=install_weak_deps=False munge')).toBeGreaterThan(info);
      expect(node1.log()).toContain('munge from the distribution repositories');
      expect(node1.exists('opt/hpc-ha/munge')).toBe(false);
      expect(node1.exists(unit)).toBe(false);
      expect(readFileSync(join(node1.root, 'etc/munge/munge.key'))).toEqual(MUNGE_KEY);
      expect(run.calls.indexOf('systemctl restart munge')).toBeGreaterThan(info);
    } finally {
      world.cleanup();
    }
  });

  it('otherwise installs the munge build this AZ\'s head node published, with its own unit; a re-run changes nothing', () => {
    const world = newWorld();
    try {
      world.withoutMungePackage();
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status, node1.log()).toBe(0);
      expect(run.calls.some((c) => c.startsWith('dnf install') && c.endsWith(' munge'))).toBe(false);
      for (const [name, dir, mode] of [['munged', 'sbin', 0o755], ['munge', 'bin', 0o755], ['unmunge', 'bin', 0o755], ['libmunge.so.2', 'lib', 0o644]] as const) {
        const file = join(node1.root, 'opt/hpc-ha/munge', dir, name);
        expect(readFileSync(file, 'utf8')).toBe(MUNGE_BUILD[name]);
        expect(statSync(file).mode & 0o777).toBe(mode);
      }
      expect(node1.file('etc/ld.so.conf.d/hpc-ha-munge.conf')).toBe('/opt/hpc-ha/munge/lib\n');
      expect(run.calls).toContain('ldconfig');
      expect(run.calls).toContain('groupadd --system munge');
      expect(run.calls).toContain('useradd --system --gid munge --home-dir /var/lib/munge --no-create-home --shell /sbin/nologin munge');
      expect(node1.file(unit)).toContain('\nExecStart=/opt/hpc-ha/munge/sbin/munged --foreground\nUser=munge\n');
      expect(run.calls).toContain(`chown munge:munge ${node1.root}/etc/munge ${node1.root}/var/lib/munge ${node1.root}/var/log/munge`);
      expect(readFileSync(join(node1.root, 'etc/munge/munge.key'))).toEqual(MUNGE_KEY);
      const reload = run.calls.indexOf('systemctl daemon-reload');
      expect(reload).toBeGreaterThan(-1);
      expect(run.calls.indexOf('systemctl restart munge')).toBeGreaterThan(reload);
      expect(node1.log()).toContain('munge munge-0.5.16 installed from the head node of cluster1');

      const again = node1.run(renderPortalBootstrap(spec(1)));
      expect(again.status, node1.log()).toBe(0);
      expect(again.calls.filter((c) => c.startsWith('systemctl') && c.includes('munge'))).toEqual(['systemctl enable --now munge']);
    } finally {
      world.cleanup();
    }
  });

  it('fails naming both sources when dnf has no munge and the head node published none', () => {
    const world = newWorld();
    try {
      world.withoutMungePackage();
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.unpublishMunge('cluster1');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status).not.toBe(0);
      expect(node1.log()).toContain(
        "ERROR: no munge to install: 'dnf info munge' finds no munge package in this node's repositories, and the head node of cluster1 published no munge build in /efs/hpc-ha/clusters/cluster1/munge/",
      );
      expect(node1.exists('etc/munge/munge.key')).toBe(false);
      expect(signals(run.calls)).toEqual([expect.stringMatching(/^cfn-signal --exit-code 1 --reason .* failed in step 'munge'/)]);
      expect(run.calls.some((c) => c.startsWith('systemctl start enginframe'))).toBe(false);
    } finally {
      world.cleanup();
    }
  });

  it('refuses a head-node build for another OS (a cluster on rhel8 under an Amazon Linux 2023 portal)', () => {
    const world = newWorld();
    try {
      world.withoutMungePackage();
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.publishMunge('cluster1', 'rhel', '8.10');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status).not.toBe(0);
      expect(node1.log()).toContain("the munge build of cluster1's head node is for rhel 8.10 x86_64 while this node runs amzn 2023 x86_64");
      expect(node1.exists('opt/hpc-ha/munge')).toBe(false);
      expect(signals(run.calls)).toEqual([expect.stringContaining('--exit-code 1 ')]);
    } finally {
      world.cleanup();
    }
  });
});

describe('portal bootstrap failure paths', () => {
  it('node 2 gives up after a bounded wait for the install marker and signals failure', () => {
    const world = newWorld();
    try {
      world.publish('cluster2', '10.0.2.100', '24.11.6');
      const node2 = createNode(world, 'node2', '10.0.2.20', EF_NODE);
      const started = Date.now();
      const run = node2.run(renderPortalBootstrap(spec(2)));
      expect(run.status).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(node2.log()).toContain('no EnginFrame install marker /efs/hpc-ha/enginframe/installed after 2 s');
      expect(signals(run.calls)).toEqual([
        "cfn-signal --exit-code 1 --reason hpc-ha portal node 2 failed in step 'join': no EnginFrame install marker /efs/hpc-ha/enginframe/installed after 2 s (log: /var/log/hpc-ha/portal-bootstrap.log) --stack hpc-ha-EnginFrame --resource Node2Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn",
      ]);
      expect(run.calls.some((c) => c.includes('host-setup') || c.startsWith('systemctl start enginframe'))).toBe(false);
    } finally {
      world.cleanup();
    }
  });

  it('a changed portal.enginframe.version is refused with the upgrade steps, never silently ignored', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      expect(node1.run(renderPortalBootstrap(spec(1))).status, node1.log()).toBe(0);
      const changed = spec(1, { enginframe: { version: '2021.0-r1700' } });
      const run = node1.run(renderPortalBootstrap(changed));
      expect(run.status).not.toBe(0);
      expect(world.installs()).toBe(1);
      expect(signals(run.calls)).toEqual([
        expect.stringMatching(
          /^cfn-signal --exit-code 1 --reason hpc-ha portal node 1 failed in step 'install': EnginFrame 2021\.0-r1667 is installed on EFS \(\/efs\/hpc-ha\/enginframe\/installed\) but portal\.enginframe\.version is 2021\.0-r1700; hpc-ha does not upgrade a shared install in place\. Either set portal\.enginframe\.version back to 2021\.0-r1667/,
        ),
      ]);
      expect(node1.log()).toContain('upgrade by hand: stop enginframe on both nodes, back up /efs/nice/enginframe and the EnginFrame database');
      // Node 2 joining the old install with the new version is refused the same way.
      world.publish('cluster2', '10.0.2.100', '24.11.6');
      const node2 = createNode(world, 'node2', '10.0.2.20', EF_NODE);
      const join2 = node2.run(renderPortalBootstrap({ ...changed, nodeIndex: 2, ownCluster: 'cluster2', signal: { stackName: 'hpc-ha-EnginFrame', logicalResourceId: 'Node2Asg' } }));
      expect(join2.status).not.toBe(0);
      expect(signals(join2.calls)).toEqual([expect.stringContaining("failed in step 'join': EnginFrame 2021.0-r1667 is installed on EFS")]);
    } finally {
      world.cleanup();
    }
  });

  it('a checksum mismatch stops before installing and signals failure', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.s3(`hpc-ha-artifacts/enginframe/enginframe-${EF_VERSION}.jar`, Buffer.from('tampered jar'));
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status).not.toBe(0);
      expect(node1.log()).toContain('SHA-256 mismatch for s3://hpc-ha-artifacts/enginframe/enginframe-2021.0-r1667.jar');
      expect(world.installs()).toBe(0);
      expect(run.calls.some((c) => c.startsWith('java '))).toBe(false);
      expect(node1.exists('efs/hpc-ha/enginframe/installed')).toBe(false);
      expect(readdirSync(join(node1.root, 'var/lib/hpc-ha/downloads'))).toEqual([]);
      expect(signals(run.calls)).toEqual([expect.stringMatching(/^cfn-signal --exit-code 1 --reason .* failed in step 'install'/)]);
    } finally {
      world.cleanup();
    }
  });

  it('with provisioner: cloudformation the node serves and signals before its cluster publishes; the re-sync adds it later', () => {
    const world = newWorld();
    try {
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status, node1.log()).toBe(0);
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
      expect(node1.log()).not.toContain('waiting for the head node');
      expect(node1.exists('etc/hpc-ha/slurm/cluster1/slurm.conf')).toBe(false);
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const resync = node1.run(renderPortalBootstrap(spec(1)), ['resync']);
      expect(resync.status, node1.log()).toBe(0);
      expect(node1.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toContain('SlurmctldHost=ip-10-0-1-100(10.0.1.100)');
      expect(node1.file('opt/slurm/bin/sinfo')).toContain('24.11.6');
      expect(signals(resync.calls)).toEqual([]);
    } finally {
      world.cleanup();
    }
  });

  it('instance mode creates this AZ’s cluster with pcluster (describe first), waiting until it is complete', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      installPclusterStub(node1);
      const yaml = 'Region: cn-north-1\nImage:\n  Os: alinux2023\n';
      const run = node1.run(renderPortalBootstrap(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configYaml: yaml, waitSeconds: 10 } })));
      expect(run.status, node1.log()).toBe(0);
      const pc = run.calls.filter((c) => c.startsWith('pcluster '));
      expect(pc[0]).toBe('pcluster version');
      expect(pc[1]).toBe('pcluster describe-cluster --cluster-name cluster1 --region cn-north-1');
      expect(pc[2]).toBe(`pcluster create-cluster --cluster-name cluster1 --cluster-configuration ${node1.root}/etc/hpc-ha/pcluster/cluster1.yaml --region cn-north-1 --rollback-on-failure false`);
      expect(pc.filter((c) => c.startsWith('pcluster create-cluster'))).toHaveLength(1);
      expect(pc.at(-1)).toBe('pcluster describe-cluster --cluster-name cluster1 --region cn-north-1');
      expect(node1.file('etc/hpc-ha/pcluster/cluster1.yaml')).toBe(yaml);
      expect(node1.log()).toContain('cluster cluster1 is CREATE_COMPLETE');
      // A re-run adopts the existing cluster instead of creating it again.
      const again = node1.run(renderPortalBootstrap(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configYaml: yaml, waitSeconds: 10 } })));
      expect(again.status, node1.log()).toBe(0);
      expect(again.calls.filter((c) => c.startsWith('pcluster create-cluster'))).toEqual([]);
    } finally {
      world.cleanup();
    }
  });

  it('instance mode with the config as an S3 object: checksum verified, placeholders filled; a wrong object stops before pcluster', () => {
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      installPclusterStub(node1);
      const template = 'Region: cn-north-1\nHeadNode:\n  Networking:\n    SubnetId: <PrivateSubnetId1>\nSharedStorage:\n  - EfsSettings:\n      FileSystemId: <EfsFileSystemId>\n';
      world.s3('assets-bucket/cluster1.yaml', template);
      const configObject = {
        uri: 's3://assets-bucket/cluster1.yaml',
        sha256: createHash('sha256').update(template).digest('hex'),
        placeholders: { '<PrivateSubnetId1>': 'subnet-0123456789abcdef0', '<EfsFileSystemId>': 'fs-0123456789abcdef0' },
      };
      const env = renderPortalBootstrapEnv(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configObject, waitSeconds: 10 } }));
      expect(env).not.toContain('SubnetId:');
      const run = node1.run(renderPortalBootstrap(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configObject, waitSeconds: 10 } })));
      expect(run.status, node1.log()).toBe(0);
      expect(node1.file('etc/hpc-ha/pcluster/cluster1.yaml')).toBe(
        template.replace('<PrivateSubnetId1>', 'subnet-0123456789abcdef0').replace('<EfsFileSystemId>', 'fs-0123456789abcdef0'),
      );
      expect(node1.log()).toContain('SHA-256 verified for s3://assets-bucket/cluster1.yaml');

      // Another object under that key (or a placeholder left unfilled) and pcluster never runs.
      const node2 = createNode(world, 'node1b', '10.0.1.11', EF_NODE);
      world.s3('assets-bucket/cluster1.yaml', template.replace('SubnetId', 'SubnetID'));
      const bad = node2.run(renderPortalBootstrap(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configObject, waitSeconds: 10 } })));
      expect(bad.status).not.toBe(0);
      expect(node2.log()).toMatch(/SHA-256 mismatch for s3:\/\/assets-bucket\/cluster1.yaml/);
      expect(bad.calls.filter((c) => c.startsWith('pcluster create'))).toEqual([]);
      world.s3('assets-bucket/cluster1.yaml', template);
      const unfilled = { ...configObject, placeholders: { '<PrivateSubnetId1>': 'subnet-0123456789abcdef0' } };
      const node3 = createNode(world, 'node1c', '10.0.1.12', EF_NODE);
      const left = node3.run(renderPortalBootstrap(spec(1, { pcluster: { version: '3.13.0', clusterName: 'cluster1', configObject: unfilled, waitSeconds: 10 } })));
      expect(left.status).not.toBe(0);
      expect(node3.log()).toContain("still has <EfsFileSystemId> after filling in this deployment's values");
    } finally {
      world.cleanup();
    }
  });

  it('the pre-signed query string of a download URL is never logged', () => {
    expect(renderPortalBootstrapEnv(spec(1))).toContain('X-Amz-Signature');
    const world = newWorld();
    try {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      expect(node1.run(renderPortalBootstrap(spec(1))).status).toBe(0);
      expect(node1.log()).toContain('downloading https://repo.example.cn/jdbc/mysql-connector-j-8.4.0.jar');
      expect(node1.log()).not.toContain('X-Amz-Signature');
    } finally {
      world.cleanup();
    }
  });
});

describe('instance mode with legacy ParallelCluster 2.x', () => {
  const MIRROR = 'https://mirrors.aliyun.com/pypi/simple/';
  const legacySpec = (waitSeconds = 10): PortalBootstrapSpec =>
    spec(1, { pcluster: { version: '2.11.9', clusterName: 'cluster1', configIni: LEGACY_INI, pipIndexUrl: MIRROR, waitSeconds } });

  /**
   * A 2.x world: `python3 -m venv` makes a venv whose pip "installs" a stub 2.x pcluster CLI. The stub keeps its
   * cluster in the node's state dir; files in the world dir set the final stack status and the head node's IP.
   */
  function legacyWorld(opts: { final?: string; headIp?: string } = {}): { world: World; node1: SimNode } {
    const world = newWorld();
    world.publish('cluster1', '10.0.1.100', '20.11.9');
    writeFileSync(join(world.dir, 'pcluster-final'), opts.final ?? 'CREATE_COMPLETE');
    writeFileSync(join(world.dir, 'pcluster-head-ip'), opts.headIp ?? '10.0.1.100');
    const stub = (name: string, body: string): void => {
      const file = join(world.dir, 'stubs', name);
      writeFileSync(file, `#!/usr/bin/env bash\nset -eu\n${body}\n`);
      chmodSync(file, 0o755);
    };
    stub('bin/python3', `echo "python3 $*" >>"$STUB_CALLS"
[ "$1 $2" = "-m venv" ] || exit 1
mkdir -p "$3/bin"; cp "$STUB_WORLD/stubs/pip" "$3/bin/pip"`);
    stub('pip', `echo "pip $*" >>"$STUB_CALLS"
cp "$STUB_WORLD/stubs/pcluster2" "$(dirname "$0")/pcluster"`);
    stub('pcluster2', `echo "pcluster $*" >>"$STUB_CALLS"
s="$STUB_STATE/pcluster2"; name="\${@: -1}"
case "$1" in
  version) echo "2.11.9" ;;
  create)
    [ ! -f "$s.created" ] || { echo "Stack parallelcluster-$name already exists"; exit 1; }
    touch "$s.created"; printf 'Beginning cluster creation for cluster: %s\\nStatus: CREATE_IN_PROGRESS\\n' "$name" ;;
  status)
    [ -f "$s.created" ] || { echo "Stack with id parallelcluster-$name does not exist"; exit 1; }
    n=$(cat "$s.polls" 2>/dev/null || echo 0); echo $((n + 1)) >"$s.polls"
    st=CREATE_IN_PROGRESS; [ "$n" -lt 1 ] || st="$(cat "$STUB_WORLD/pcluster-final")"
    case " $* " in
      *" --nowait "*) printf '\\rStatus: %s\\n' "$st" ;;
      *) printf '\\rStatus: %s\\n\\rMasterServer: RUNNING\\nClusterUser: ec2-user\\nMasterPrivateIP: %s\\n' "$st" "$(cat "$STUB_WORLD/pcluster-head-ip")" ;;
    esac ;;
  *) exit 2 ;;
esac`);
    return { world, node1: createNode(world, 'node1', '10.0.1.10', EF_NODE) };
  }

  const pcluster = (calls: string[]): string[] => calls.filter((c) => /^(pcluster|pip|python3) /.test(c));

  it('first boot installs the 2.x CLI from the mirror, writes the INI, creates the cluster once, waits, reads MasterPrivateIP', () => {
    const { world, node1 } = legacyWorld();
    try {
      const run = node1.run(renderPortalBootstrap(legacySpec()));
      expect(run.status, node1.log()).toBe(0);
      const venv = `${node1.root}/opt/hpc-ha/pcluster`;
      const ini = `${node1.root}/etc/hpc-ha/pcluster/cluster1.ini`;
      expect(pcluster(run.calls)).toEqual([
        `python3 -m venv ${venv}`,
        `pip install --quiet aws-parallelcluster==2.11.9 setuptools<82 MarkupSafe<2.1 --index-url ${MIRROR}`,
        `pcluster status --config ${ini} --region cn-north-1 --nowait cluster1`,
        `pcluster create --config ${ini} --region cn-north-1 --nowait --norollback cluster1`,
        `pcluster status --config ${ini} --region cn-north-1 --nowait cluster1`,
        `pcluster status --config ${ini} --region cn-north-1 --nowait cluster1`,
        `pcluster status --config ${ini} --region cn-north-1 cluster1`,
      ]);
      expect(node1.file('etc/hpc-ha/pcluster/cluster1.ini')).toBe(LEGACY_INI);
      expect(statSync(ini).mode & 0o777).toBe(0o600);
      expect(node1.log()).toContain('cluster cluster1 (stack parallelcluster-cluster1) is CREATE_COMPLETE');
      expect(node1.log()).toContain('head node of cluster1 at 10.0.1.100');
      // 2.x needs Python only (the 3.x CLI also needs Node.js for CDK).
      expect(run.calls).toContain('dnf install -y --setopt=install_weak_deps=False java-11-amazon-corretto-headless amazon-efs-utils lustre-client nfs-utils jq aws-cfn-bootstrap iptables-nft python3');
      expect(node1.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toContain('SlurmctldHost=ip-10-0-1-100(10.0.1.100)');
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);

      // A re-run (or the re-sync after a reboot) adopts the cluster: no reinstall of the CLI, no second create.
      const again = node1.run(renderPortalBootstrap(legacySpec()));
      expect(again.status, node1.log()).toBe(0);
      expect(pcluster(again.calls)).toEqual([
        'pcluster version',
        `pcluster status --config ${ini} --region cn-north-1 --nowait cluster1`,
        `pcluster status --config ${ini} --region cn-north-1 cluster1`,
      ]);
    } finally {
      world.cleanup();
    }
  });

  it('a replacement node adopts the existing cluster without creating it', () => {
    const { world, node1 } = legacyWorld();
    try {
      writeFileSync(join(node1.state, 'pcluster2.created'), '');
      writeFileSync(join(node1.state, 'pcluster2.polls'), '5');
      const run = node1.run(renderPortalBootstrap(legacySpec()));
      expect(run.status, node1.log()).toBe(0);
      expect(pcluster(run.calls).filter((c) => c.startsWith('pcluster create'))).toEqual([]);
      expect(node1.log()).toContain('cluster cluster1 (stack parallelcluster-cluster1) is CREATE_COMPLETE');
    } finally {
      world.cleanup();
    }
  });

  it.each([
    ['the stack fails', { final: 'CREATE_FAILED' }, 10, /cluster cluster1 \(stack parallelcluster-cluster1\) is CREATE_FAILED; fix or delete it/],
    ['the cluster is never ready (bounded wait)', { final: 'CREATE_IN_PROGRESS' }, 2, /cluster cluster1 not ready after 2 s \(last status CREATE_IN_PROGRESS\)/],
    ['the head node has no private IP', { headIp: '' }, 10, /cluster cluster1 reports no MasterPrivateIP/],
    ['what EFS holds is another head node’s publication', { headIp: '10.0.1.200' }, 10, /names head node 10\.0\.1\.100 but pcluster reports 10\.0\.1\.200; the publication is stale/],
  ])('signals failure when %s', (_name, opts, waitSeconds, message) => {
    const { world, node1 } = legacyWorld(opts);
    try {
      const started = Date.now();
      const run = node1.run(renderPortalBootstrap(legacySpec(waitSeconds)));
      expect(run.status).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(node1.log()).toMatch(message);
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 1 ')]);
      expect(world.installs()).toBe(0);
      expect(pcluster(run.calls).filter((c) => c.startsWith('pcluster create'))).toHaveLength(1);
    } finally {
      world.cleanup();
    }
  });
});

/** A 3.x pcluster CLI already in the node's venv: the cluster does not exist until create-cluster, then completes after one poll. */
function installPclusterStub(node: SimNode): void {
  const pcluster = join(node.root, 'opt/hpc-ha/pcluster/bin/pcluster');
  mkdirSync(join(node.root, 'opt/hpc-ha/pcluster/bin'), { recursive: true });
  writeFileSync(
    pcluster,
    `#!/usr/bin/env bash
echo "pcluster $*" >>"$STUB_CALLS"
s="$STUB_STATE/pcluster"
case "$1" in
  version) echo '{"version": "3.13.0"}' ;;
  describe-cluster)
    if [ ! -f "$s.created" ]; then echo '{"message": "Cluster cluster1 does not exist"}'; exit 1; fi
    n=$(cat "$s.polls" 2>/dev/null || echo 0); echo $((n + 1)) >"$s.polls"
    if [ "$n" -lt 1 ]; then echo '{"clusterStatus": "CREATE_IN_PROGRESS"}'; else echo '{"clusterStatus": "CREATE_COMPLETE"}'; fi ;;
  create-cluster) touch "$s.created"; echo '{"cluster": {"clusterStatus": "CREATE_IN_PROGRESS"}}' ;;
esac
`,
  );
  chmodSync(pcluster, 0o755);
}
