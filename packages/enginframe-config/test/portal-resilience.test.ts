import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderPortalBootstrap, type PortalBootstrapSpec } from '../src/index.js';
import { javaAvailable, loadWithJava } from './support/java.js';
import { createNode, type SimNode, type World } from '../../../tools/test-harness/portal-node-sim.js';
import { EF_NODE, EF_VERSION, useDatabase, newWorld, sha256, signals, testSpec } from './support/portal-fixtures.js';

/**
 * Issue 13: a portal node boots in a degraded region (one AZ gone), signals success only when it serves, keeps
 * the node role and fetched secrets from local users, and ships a licence file when given one. Each scenario runs
 * the rendered bootstrap under bash with stub commands; the fstab goes through systemd's own fstab generator and
 * the metadata firewall through the real iptables in a throw-away network namespace.
 */

const inCi = process.env['CI'] === 'true';
// Most scenarios boot two simulated nodes (each a few hundred stub processes): give a busy machine time.
vi.setConfig({ testTimeout: 180_000 });
const DB_PORT = 16753;
const DEAD_DB_PORT = 16754;
const IMDS_TEST_PORT = 16755;
useDatabase(DB_PORT);

const spec = (nodeIndex: 1 | 2, extra: Partial<PortalBootstrapSpec> = {}): PortalBootstrapSpec => testSpec(nodeIndex, DB_PORT, extra);
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** A world where node 1 has installed EnginFrame and both clusters have published. */
function installedWorld(): { world: World; node1: SimNode } {
  const world = newWorld();
  world.publish('cluster1', '10.0.1.100', '24.11.6');
  world.publish('cluster2', '10.0.2.100', '24.11.6');
  const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
  const run = node1.run(renderPortalBootstrap(spec(1)));
  if (run.status !== 0) throw new Error(`node 1 did not boot:\n${node1.log()}`);
  return { world, node1 };
}

// One installed world for the scenarios that only read it or re-run node 1 (idempotent), built on first use.
let shared: { world: World; node1: SimNode } | undefined;
const sharedWorld = (): { world: World; node1: SimNode } => (shared ??= installedWorld());
afterAll(() => shared?.world.cleanup());

function withShared(body: (w: { world: World; node1: SimNode }) => void): void {
  body(sharedWorld());
}

function withWorld<T>(make: () => T & { world: World }, body: (w: T & { world: World }) => void): void {
  const w = make();
  try {
    body(w);
  } finally {
    w.world.cleanup();
  }
}

describe('availability: the loss of one AZ', () => {
  const FSX1_SERVER = 'fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn';

  it('a replacement node 2 boots while AZ 1’s FSx is unreachable, and never mounts it itself', () => {
    withWorld(installedWorld, ({ world }) => {
      mkdirSync(join(world.dir, 'dead'), { recursive: true });
      writeFileSync(join(world.dir, 'dead', FSX1_SERVER), '');
      const node2 = createNode(world, 'node2', '10.0.2.20', EF_NODE);
      const run = node2.run(renderPortalBootstrap(spec(2)));
      expect(run.status, node2.log()).toBe(0);
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 ')]);
      const mounts = run.calls.filter((c) => c.startsWith('mount '));
      expect(mounts).toContain(`mount ${node2.root}/fsx_cluster2`);
      expect(mounts.some((c) => c.includes('fsx_cluster1'))).toBe(false);
      expect(run.calls).toContain('systemctl start fsx_cluster1.automount');
      expect(node2.file('etc/fstab')).toContain(
        `${FSX1_SERVER}@tcp:/abcdefgh /fsx_cluster1 lustre defaults,noatime,flock,_netdev,nofail,x-systemd.automount,x-systemd.mount-timeout=30,x-systemd.idle-timeout=120 0 0`,
      );
      expect(node2.log()).toContain('FSx fs-0aaaaaaaaaaaaaaa1 at /fsx_cluster1 (another AZ\'s: automounted on first use, nofail)');
    });
  });

  it('the re-sync timer re-arms the other AZ’s automount (and only that one)', () => {
    withShared(({ node1 }) => {
      const run = node1.run(renderPortalBootstrap(spec(1)), ['resync']);
      expect(run.status, node1.log()).toBe(0);
      const systemctl = run.calls.filter((c) => c.startsWith('systemctl '));
      expect(systemctl).toEqual(['systemctl reset-failed fsx_cluster2.mount fsx_cluster2.automount', 'systemctl start fsx_cluster2.automount']);
      expect(node1.log()).toMatch(/FSx fs-0bbbbbbbbbbbbbbb2 at \/fsx_cluster2 is (reachable|unreachable)/);
      expect(signals(run.calls)).toEqual([]);
    });
  });

  const generator = '/lib/systemd/system-generators/systemd-fstab-generator';
  const haveGenerator = existsSync(generator);
  if (inCi && !haveGenerator) throw new Error(`CI=true but ${generator} (Debian package systemd) is missing`);

  it.skipIf(!haveGenerator)('systemd’s fstab generator makes only EFS and this AZ’s FSx required for boot; the other is an automount with a timeout', () => {
    withShared(({ world, node1 }) => {
      const out = mkdtempSync(join(tmpdir(), 'efcfg-fstab-'));
      try {
        const dirs = ['normal', 'early', 'late'].map((d) => join(out, d));
        for (const d of dirs) mkdirSync(d);
        const gen = spawnSync(generator, dirs, { encoding: 'utf8', env: { SYSTEMD_FSTAB: join(node1.root, 'etc/fstab'), SYSTEMD_PROC_CMDLINE: '', PATH: '/usr/bin:/bin' } });
        expect(gen.status, gen.stderr).toBe(0);
        const [normal] = dirs as [string];
        expect(readdirSync(join(normal, 'remote-fs.target.requires')).sort()).toEqual(['efs.mount', 'fsx_cluster1.mount']);
        expect(readdirSync(join(normal, 'remote-fs.target.wants'))).toEqual(['fsx_cluster2.automount']);
        expect(readFileSync(join(normal, 'fsx_cluster2.mount'), 'utf8')).toMatch(/^TimeoutSec=30s$/m);
        expect(readFileSync(join(normal, 'fsx_cluster2.automount'), 'utf8')).toMatch(/^Where=\/fsx_cluster2$/m);
        // Unmounted when idle, so an AZ loss rarely finds the dead server's mount active.
        expect(readFileSync(join(normal, 'fsx_cluster2.automount'), 'utf8')).toMatch(/^TimeoutIdleSec=2min$/m);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      expect(world.installs()).toBe(1);
    });
  });
});

describe('availability: success is signalled only when the node serves', () => {
  it('waits for the database before installing, and for https://localhost:8443/enginframe/ before signalling', () => {
    withShared(({ node1 }) => {
      const log = node1.log();
      expect(log).toContain(`database hpc-ha-db.cluster-abc123.cn-north-1.rds.amazonaws.com.cn:${DB_PORT} (127.0.0.1) accepts connections`);
      expect(log.indexOf('accepts connections')).toBeLessThan(log.indexOf('running the EnginFrame'));
      expect(log).toContain('EnginFrame answers https://localhost:8443/enginframe/ with HTTP 302');
      const calls = node1.calls();
      const probe = calls.findIndex((c) => c.startsWith('curl ') && c.endsWith(' https://localhost:8443/enginframe/'));
      expect(probe).toBeGreaterThan(calls.indexOf('systemctl start enginframe'));
      expect(probe).toBeLessThan(calls.findIndex((c) => c.startsWith('cfn-signal --exit-code 0 ')));
    });
  });

  it('signals failure, with the reason and the log, when the database never accepts connections (bounded)', () => {
    withWorld(() => ({ world: newWorld() }), ({ world }) => {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const started = Date.now();
      const run = node1.run(
        renderPortalBootstrap(testSpec(1, DEAD_DB_PORT, { timeouts: { clusterPublicationSeconds: 3, databaseSeconds: 2, pollSeconds: 1 } })),
      );
      expect(run.status).not.toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(signals(run.calls)).toEqual([
        `cfn-signal --exit-code 1 --reason hpc-ha portal node 1 failed in step 'database': database not reachable after 2 s: hpc-ha-db.cluster-abc123.cn-north-1.rds.amazonaws.com.cn:${DEAD_DB_PORT} (127.0.0.1) refuses or drops connections (log: /var/log/hpc-ha/portal-bootstrap.log) --stack hpc-ha-EnginFrame --resource Node1Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn`,
      ]);
      expect(world.installs()).toBe(0);
      expect(run.calls.some((c) => c.startsWith('java ') || c === 'systemctl start enginframe')).toBe(false);
      // A resource signal carries no reason into CloudFormation's events: cloud-init's output (console) gets it.
      expect(run.stderr).toContain(
        `hpc-ha portal bootstrap (boot) failed in step database: database not reachable after 2 s: hpc-ha-db.cluster-abc123.cn-north-1.rds.amazonaws.com.cn:${DEAD_DB_PORT} (127.0.0.1) refuses or drops connections (log: /var/log/hpc-ha/portal-bootstrap.log)`,
      );
    });
  });

  it('signals failure, naming EnginFrame’s logs, when EnginFrame never answers 2xx/3xx (bounded)', () => {
    withWorld(() => ({ world: newWorld() }), ({ world }) => {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.httpStatus(503);
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(spec(1, { timeouts: { clusterPublicationSeconds: 3, serviceSeconds: 2, pollSeconds: 1 } })));
      expect(run.status).not.toBe(0);
      expect(signals(run.calls)).toEqual([
        "cfn-signal --exit-code 1 --reason hpc-ha portal node 1 failed in step 'health': EnginFrame did not answer https://localhost:8443/enginframe/ with 2xx/3xx within 2 s (last: 503); see /efs/nice/enginframe/logs/ip-10-0-1-10/ (log: /var/log/hpc-ha/portal-bootstrap.log) --stack hpc-ha-EnginFrame --resource Node1Asg --region cn-north-1 --url https://cloudformation.cn-north-1.amazonaws.com.cn",
      ]);
      // The install itself is complete: a later boot reuses it.
      expect(node1.exists('efs/hpc-ha/enginframe/installed')).toBe(true);
      expect(run.calls).not.toContain('systemctl enable --now hpc-ha-portal-resync.timer');
    });
  });

  it('a half-finished install on EFS stops the next boot with a recovery message instead of installing over it', () => {
    withWorld(() => ({ world: newWorld() }), ({ world }) => {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      writeFileSync(join(world.dir, 'installer-fails'), '');
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const first = node1.run(renderPortalBootstrap(spec(1)));
      expect(first.status).not.toBe(0);
      expect(signals(first.calls)).toEqual([expect.stringMatching(/^cfn-signal --exit-code 1 --reason .* failed in step 'install'/)]);
      expect(readdirSync(join(world.efs, 'nice/enginframe'))).toEqual([EF_VERSION]);
      expect(node1.exists('efs/hpc-ha/enginframe/installed')).toBe(false);

      rmSync(join(world.dir, 'installer-fails'));
      const replacement = createNode(world, 'node1-replacement', '10.0.1.77', EF_NODE);
      const again = replacement.run(renderPortalBootstrap(spec(1)));
      expect(again.status).not.toBe(0);
      expect(again.calls.some((c) => c.startsWith('java '))).toBe(false);
      expect(replacement.log()).toContain(
        '/efs/nice/enginframe is not empty but has no install marker /efs/hpc-ha/enginframe/installed: an earlier EnginFrame install did not finish. To recover: keep node 2 stopped, move the tree aside (mv /efs/nice/enginframe /efs/nice/enginframe.failed)',
      );
      expect(signals(again.calls)).toEqual([expect.stringContaining("--exit-code 1 --reason hpc-ha portal node 1 failed in step 'install': /efs/nice/enginframe is not empty but has no install marker")]);
    });
  });
});

describe('availability: cfn-signal where aws-cfn-bootstrap installs it, with a fallback', () => {
  function signalWorld(placeAt: 'opt' | 'none'): { world: World; node1: SimNode } {
    const world = newWorld();
    world.publish('cluster1', '10.0.1.100', '24.11.6');
    const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
    const onPath = join(world.stubBin, 'cfn-signal');
    if (placeAt === 'opt') {
      mkdirSync(join(node1.root, 'opt/aws/bin'), { recursive: true });
      copyFileSync(onPath, join(node1.root, 'opt/aws/bin/cfn-signal'));
    }
    rmSync(onPath);
    return { world, node1 };
  }

  it('uses /opt/aws/bin/cfn-signal, which is not on cloud-init’s PATH', () => {
    withWorld(() => signalWorld('opt'), ({ node1 }) => {
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status, node1.log()).toBe(0);
      expect(signals(run.calls)).toEqual([expect.stringContaining('cfn-signal --exit-code 0 --reason hpc-ha portal node 1 is ready ')]);
      expect(run.calls.some((c) => c.startsWith('aws cloudformation'))).toBe(false);
    });
  });

  it('falls back to the CLI’s SignalResource when no cfn-signal is installed', () => {
    withWorld(() => signalWorld('none'), ({ node1 }) => {
      const run = node1.run(renderPortalBootstrap(spec(1)));
      expect(run.status, node1.log()).toBe(0);
      expect(run.calls.filter((c) => c.startsWith('aws cloudformation'))).toEqual([
        'aws cloudformation signal-resource --region cn-north-1 --endpoint-url https://cloudformation.cn-north-1.amazonaws.com.cn --stack-name hpc-ha-EnginFrame --logical-resource-id Node1Asg --unique-id i-0123456789abcdef0 --status SUCCESS',
      ]);
      expect(node1.log()).toContain('cfn-signal is not installed; signalling with the AWS CLI');
    });
  });
});

describe('security: the node role and fetched secrets stay with root', () => {
  it('restricts the metadata service to root and efnobody before any secret is read, and keeps the rules for every boot', () => {
    withShared(({ node1 }) => {
      const calls = node1.calls();
      const restore = calls.indexOf('iptables-restore -w 10 --noflush');
      expect(restore).toBeGreaterThan(-1);
      expect(restore).toBeLessThan(calls.findIndex((c) => c.startsWith('aws secretsmanager')));
      expect(readFileSync(join(node1.state, 'iptables-restore.input'), 'utf8')).toBe(
        '*filter\n:HPC_HA_IMDS - [0:0]\n-A HPC_HA_IMDS -m owner --uid-owner 0 -j ACCEPT\n-A HPC_HA_IMDS -m owner --uid-owner 5001 -j ACCEPT\n-A HPC_HA_IMDS -j REJECT\nCOMMIT\n\n',
      );
      expect(readFileSync(join(node1.state, 'iptables.rules'), 'utf8')).toBe('OUTPUT -d 169.254.169.254/32 -j HPC_HA_IMDS\n');
      expect(readFileSync(join(node1.state, 'ip6tables.rules'), 'utf8')).toBe('OUTPUT -d fd00:ec2::254/128 -j HPC_HA_IMDS\n');
      const unit = node1.file('etc/systemd/system/hpc-ha-imds-access.service');
      expect(unit).toMatch(/^ExecStart=\/usr\/local\/sbin\/hpc-ha-portal-bootstrap imds$/m);
      expect(unit).toMatch(/^Before=network-pre.target systemd-user-sessions.service$/m);
      expect(calls).toContain('systemctl enable hpc-ha-imds-access.service');

      // A re-run of the bootstrap replaces the chain and does not add a second jump.
      const again = node1.run(renderPortalBootstrap(spec(1)));
      expect(again.status, node1.log()).toBe(0);
      expect(readFileSync(join(node1.state, 'iptables.rules'), 'utf8')).toBe('OUTPUT -d 169.254.169.254/32 -j HPC_HA_IMDS\n');
    });
  });

  it('keeps what it fetched root-only: the log, the local state, the settings copy, the transient install config', () => {
    withShared(({ world, node1 }) => {
      expect(mode(join(node1.root, 'var/log/hpc-ha/portal-bootstrap.log'))).toBe('600');
      expect(mode(join(node1.root, 'var/lib/hpc-ha'))).toBe('700');
      expect(mode(join(node1.root, 'etc/hpc-ha/portal.env'))).toBe('600');
      expect(mode(join(node1.root, 'usr/local/sbin/hpc-ha-portal-bootstrap'))).toBe('700');
      expect(mode(join(node1.root, 'etc/munge/munge.key'))).toBe('400');
      expect(readFileSync(join(world.dir, 'captured-efinstall.mode'), 'utf8').trim()).toBe('600');
      expect(readFileSync(join(world.dir, 'captured-efinstall.dirmode'), 'utf8').trim()).toBe('700');
    });
  });

  const root = process.getuid?.() === 0;
  const haveIptables = spawnSync('iptables', ['--version']).status === 0 && spawnSync('unshare', ['--version']).status === 0;
  if (inCi && !(root && haveIptables)) throw new Error('CI=true but this suite needs root, unshare and iptables (Debian package iptables)');

  it.skipIf(!(root && haveIptables))(
    'after a reboot the unit’s command restores the rules in the real iptables: root and efnobody reach 169.254.169.254, other users do not',
    () => {
      withShared(({ world, node1 }) => {
        const unit = node1.file('etc/systemd/system/hpc-ha-imds-access.service');
        const execStart = /^ExecStart=(.+)$/m.exec(unit)![1]!.split(' ');
        const command = [join(node1.root, execStart[0]!), ...execStart.slice(1)];
        // A fresh network namespace is a rebooted kernel's empty packet filter; the host's is never touched.
        const script = `set -eu
ip link set lo up
ip addr add 169.254.169.254/32 dev lo
bash "$@"
bash "$@"
iptables -S
ip6tables -S | grep HPC_HA
node -e 'require("node:http").createServer((q, r) => r.end("metadata")).listen(${IMDS_TEST_PORT}, "169.254.169.254")' &
server=$!
trap 'kill $server' EXIT
for i in $(seq 50); do curl -s -o /dev/null "http://169.254.169.254:${IMDS_TEST_PORT}/" && break; sleep 0.1; done
for uid in 0 5001 5000 65534; do
  if setpriv --reuid="$uid" --regid="$uid" --clear-groups curl -s --connect-timeout 1 --max-time 2 "http://169.254.169.254:${IMDS_TEST_PORT}/" >/dev/null; then
    echo "uid $uid reaches IMDS"
  else
    echo "uid $uid is refused"
  fi
done`;
        const run = spawnSync('unshare', ['--net', 'bash', '-c', script, 'imds-reboot', ...command], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HPC_HA_SYSROOT: node1.root, LANG: 'C.UTF-8' },
        });
        expect(run.status, run.stderr + node1.log()).toBe(0);
        const lines = run.stdout.trim().split('\n');
        expect(lines.filter((l) => l.startsWith('-A OUTPUT') || l.includes('HPC_HA'))).toEqual([
          '-N HPC_HA_IMDS',
          '-A OUTPUT -d 169.254.169.254/32 -j HPC_HA_IMDS',
          '-A HPC_HA_IMDS -m owner --uid-owner 0 -j ACCEPT',
          '-A HPC_HA_IMDS -m owner --uid-owner 5001 -j ACCEPT',
          '-A HPC_HA_IMDS -j REJECT --reject-with icmp-port-unreachable',
          '-N HPC_HA_IMDS',
          '-A OUTPUT -d fd00:ec2::254/128 -j HPC_HA_IMDS',
          '-A HPC_HA_IMDS -m owner --uid-owner 0 -j ACCEPT',
          '-A HPC_HA_IMDS -m owner --uid-owner 5001 -j ACCEPT',
          '-A HPC_HA_IMDS -j REJECT --reject-with icmp6-port-unreachable',
        ]);
        expect(lines.filter((l) => l.startsWith('uid '))).toEqual([
          'uid 0 reaches IMDS',
          'uid 5001 reaches IMDS',
          'uid 5000 is refused',
          'uid 65534 is refused',
        ]);
        expect(node1.log()).toContain('instance metadata reachable only by UIDs 0 5001');
        expect(world.installs()).toBe(1);
      });
    },
  );
});

describe('licence: an optional licence file', () => {
  const LICENSE = Buffer.from('<license product="EnginFrame" release="2021.0" ip="10.0.1.10,10.0.2.20"/>\n');
  const withLicense = (sha: string): PortalBootstrapSpec => spec(1, { licenseFile: { uri: 's3://hpc-ha-artifacts/enginframe/license.ef', sha256: sha } });

  it.skipIf(!javaAvailable())('is installed on EFS and named in efinstall.config (kernel.eflicense)', () => {
    withWorld(() => ({ world: newWorld() }), ({ world }) => {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.s3('hpc-ha-artifacts/enginframe/license.ef', LICENSE);
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(withLicense(sha256(LICENSE))));
      expect(run.status, node1.log()).toBe(0);
      expect(readFileSync(join(world.efs, 'nice/license/license.ef'))).toEqual(LICENSE);
      const captured = join(world.dir, 'captured-efinstall.config');
      expect(loadWithJava([captured]).get(captured)!.entries.get('kernel.eflicense')).toBe('/efs/nice/license/license.ef');
    });
  });

  it('a licence file that does not match its SHA-256 stops the boot before the install', () => {
    withWorld(() => ({ world: newWorld() }), ({ world }) => {
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.s3('hpc-ha-artifacts/enginframe/license.ef', LICENSE);
      const node1 = createNode(world, 'node1', '10.0.1.10', EF_NODE);
      const run = node1.run(renderPortalBootstrap(withLicense('0'.repeat(64))));
      expect(run.status).not.toBe(0);
      expect(node1.log()).toContain('SHA-256 mismatch for s3://hpc-ha-artifacts/enginframe/license.ef');
      expect(world.installs()).toBe(0);
      expect(existsSync(join(world.efs, 'nice/license/license.ef'))).toBe(false);
    });
  });
});
