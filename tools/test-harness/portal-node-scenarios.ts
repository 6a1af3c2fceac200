import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, signals, type NodeOptions, type SimNode, type World } from './portal-node-sim.js';

/**
 * The scenario matrix every portal node must pass, whichever portal it serves: each portal's test file runs it with
 * its own adapter (`describePortalNodeScenarios(adapter)`), so the guarantees of @hpc-ha/portal-node are proven for
 * EnginFrame and Open OnDemand alike, on the one simulator of portal-node-sim.ts.
 */

export type PortalKind = 'enginframe' | 'openondemand';

/** What a scenario may change in a node's spec. */
export interface ScenarioChange {
  /** A changed sssd setting (an extra `ldapUris` entry). */
  readonly sssdChanged?: boolean;
  /** Another AZ's FSx mount timeout, in seconds. */
  readonly remoteMountSeconds?: number;
}

export interface PortalAdapter {
  readonly kind: PortalKind;
  readonly node: NodeOptions;
  /** A world holding every artefact and secret the portal's spec names (no cluster published). */
  newWorld(): World;
  /** The complete user-data script of node `index`. */
  render(index: 1 | 2, change?: ScenarioChange): string;
  /** The portal's own services, as `systemctl restart` names them when its configuration changes. */
  readonly portalRestart: string;
  /** Where the program keeps itself for the timer and the metadata unit. */
  readonly selfCopy: string;
  readonly bindPasswordSecretArn: string;
  readonly mungeKeySecretArn: string;
  /** UIDs besides root that must reach the instance metadata service (EnginFrame: efnobody). */
  readonly imdsServiceUids: readonly number[];
}

const restarts = (calls: readonly string[]): string[] => calls.filter((c) => c.startsWith('systemctl restart '));
const inCi = process.env['CI'] === 'true';
const root = process.getuid?.() === 0;
const haveIptables = spawnSync('iptables', ['--version']).status === 0 && spawnSync('unshare', ['--version']).status === 0;
if (inCi && !(root && haveIptables)) throw new Error('CI=true but the portal node scenarios need root, unshare and iptables (Debian package iptables)');

export function describePortalNodeScenarios(a: PortalAdapter, imdsTestPort: number): void {
  describe(`portal node scenarios: ${a.kind}`, () => {
    let world: World;
    let node1: SimNode;
    let first: ReturnType<SimNode['run']>;

    beforeAll(() => {
      world = a.newWorld();
      world.publish('cluster1', '10.0.1.100', '24.11.6');
      world.publish('cluster2', '10.0.2.100', '24.11.6');
      node1 = createNode(world, 'node1', '10.0.1.10', a.node);
      first = node1.run(a.render(1));
    });
    afterAll(() => world.cleanup());

    it('first boot: serves, then signals success; munge, sssd, the metadata firewall and the re-sync timer are set up', () => {
      expect(first.status, node1.log()).toBe(0);
      expect(signals(first.calls)).toEqual([expect.stringMatching(/^cfn-signal --exit-code 0 --reason hpc-ha .* node 1 is ready /)]);
      expect(readFileSync(join(node1.root, 'etc/munge/munge.key')).length).toBeGreaterThanOrEqual(32);
      expect(node1.mode('etc/munge/munge.key')).toBe('400');
      expect(node1.mode('etc/sssd/conf.d/50-hpc-ha-bind-password.conf')).toBe('600');
      expect(first.calls).toContain('iptables-restore -w 10 --noflush');
      expect(first.calls).toContain('systemctl enable --now hpc-ha-portal-resync.timer');
      expect(node1.file('etc/systemd/system/hpc-ha-portal-resync.service')).toMatch(/^TimeoutStartSec=300$/m);
      // The metadata token and pre-signed URLs reach curl through a config on stdin, never its argument list.
      expect(first.calls.join('\n')).not.toMatch(/imds-token|X-Amz-Signature|metadata-token:/);
      if (first.calls.some((c) => c.includes('169.254.169.254/latest/meta-data'))) {
        expect(readFileSync(join(node1.state, 'curl-config-headers'), 'utf8')).toContain('X-aws-ec2-metadata-token: imds-token-CANARY');
      }
      // The health probe comes before the signal.
      expect(node1.log()).toMatch(/\[health\] .* answers https:\/\/localhost/);
    });

    it('reboot (the program runs again): nothing is reinstalled or restarted, success again', () => {
      const again = node1.run(a.render(1));
      expect(again.status, node1.log()).toBe(0);
      expect(restarts(again.calls)).toEqual([]);
      expect(signals(again.calls)).toEqual([expect.stringContaining('--exit-code 0 ')]);
    });

    it('a changed sssd setting restarts sssd, and nothing else', () => {
      const run = node1.run(a.render(1, { sssdChanged: true }));
      expect(run.status, node1.log()).toBe(0);
      expect(node1.file('etc/sssd/sssd.conf')).toContain('ldaps://ldap3.corp.example.cn');
      expect(restarts(run.calls)).toEqual(['systemctl restart sssd']);
    });

    it('a rotated bind password restarts sssd, and nothing else', () => {
      world.secret(a.bindPasswordSecretArn, 'CANARY-rotated-bind-password');
      const run = node1.run(a.render(1, { sssdChanged: true }));
      expect(run.status, node1.log()).toBe(0);
      expect(node1.file('etc/sssd/conf.d/50-hpc-ha-bind-password.conf')).toContain('CANARY-rotated-bind-password');
      expect(restarts(run.calls)).toEqual(['systemctl restart sssd']);
    });

    it('a changed Slurm client config is picked up by the re-sync, restarting nothing (the client has no daemon)', () => {
      world.republishSlurmConf('cluster1', 'MessageTimeout=30\n');
      const run = node1.run(a.render(1, { sssdChanged: true }), ['resync']);
      expect(run.status, node1.log()).toBe(0);
      expect(node1.file('etc/hpc-ha/slurm/cluster1/slurm.conf')).toContain('MessageTimeout=30');
      expect(restarts(run.calls)).toEqual([]);
      expect(signals(run.calls)).toEqual([]);
    });

    it('a rotated munge key restarts munge, and nothing else', () => {
      const key = Buffer.concat([Buffer.from('CANARY-new-munge-key-'), Buffer.alloc(64, 9)]);
      world.secret(a.mungeKeySecretArn, key.toString('base64'));
      const run = node1.run(a.render(1, { sssdChanged: true }));
      expect(run.status, node1.log()).toBe(0);
      expect(readFileSync(join(node1.root, 'etc/munge/munge.key'))).toEqual(key);
      expect(restarts(run.calls)).toEqual(['systemctl restart munge']);
    });

    it.skipIf(!(root && haveIptables))('metadata: root (and only the named service users) reach it, other users are refused; after a re-run too (real iptables)', () => {
      const again = node1.run(a.render(1, { sssdChanged: true }));
      expect(again.status, node1.log()).toBe(0);
      const unit = node1.file('etc/systemd/system/hpc-ha-imds-access.service');
      expect(unit).toContain(`ExecStart=${a.selfCopy} imds`);
      const uids = [0, ...a.imdsServiceUids, 5000, 65534];
      // A fresh network namespace is a rebooted kernel's empty packet filter; the host's is never touched. The unit's
      // command runs twice (a re-run must not add a second jump).
      const script = `set -eu
ip link set lo up
ip addr add 169.254.169.254/32 dev lo
bash "$@"
bash "$@"
iptables -S OUTPUT | grep -c HPC_HA_IMDS
node -e 'require("node:http").createServer((q, r) => r.end("metadata")).listen(${imdsTestPort}, "169.254.169.254")' &
server=$!
trap 'kill $server' EXIT
for i in $(seq 50); do curl -s -o /dev/null "http://169.254.169.254:${imdsTestPort}/" && break; sleep 0.1; done
for uid in ${uids.join(' ')}; do
  if setpriv --reuid="$uid" --regid="$uid" --clear-groups curl -s --connect-timeout 1 --max-time 2 "http://169.254.169.254:${imdsTestPort}/" >/dev/null; then
    echo "uid $uid reaches IMDS"
  else
    echo "uid $uid is refused"
  fi
done`;
      const run = spawnSync('unshare', ['--net', 'bash', '-c', script, 'imds-reboot', join(node1.root, a.selfCopy), 'imds'], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HPC_HA_SYSROOT: node1.root, LANG: 'C.UTF-8' },
      });
      expect(run.status, run.stderr + node1.log()).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toBe('1');
      expect(lines.filter((l) => l.startsWith('uid '))).toEqual([
        'uid 0 reaches IMDS',
        ...a.imdsServiceUids.map((u) => `uid ${u} reaches IMDS`),
        'uid 5000 is refused',
        'uid 65534 is refused',
      ]);
    });

    it('a directory server down does not stop the boot: sssd starts offline, the portal serves and signals', () => {
      // sssd resolves users lazily: nothing in the boot contacts the directory, so a dead LDAP server cannot hang it.
      const w = a.newWorld();
      try {
        w.publish('cluster1', '10.0.1.100', '24.11.6');
        w.failWhen('getent', '^(passwd|group) [a-z]');
        const node = createNode(w, 'node1', '10.0.1.10', a.node);
        const run = node.run(a.render(1));
        expect(run.status, node.log()).toBe(0);
        expect(run.calls.some((c) => /^getent (passwd|group) (?!munge|efadmin|efnobody)/.test(c))).toBe(false);
        expect(signals(run.calls)).toEqual([expect.stringContaining('--exit-code 0 ')]);
      } finally {
        w.cleanup();
      }
    });

    it.each([
      ['authselect', 'authselect', '^select sssd', 'directory', 'authselect select sssd with-mkhomedir failed'],
      ['sssd', 'systemctl', '^restart sssd', 'directory', 'sssd does not start with the new configuration'],
      ['munge', 'systemctl', '^restart munge', 'munge', 'munge does not start with the new key'],
    ])('a failing step (%s) signals failure with the step and the reason, never success', (_name, command, pattern, stepName, reason) => {
      const w = a.newWorld();
      try {
        w.publish('cluster1', '10.0.1.100', '24.11.6');
        w.failWhen(command, pattern);
        const node = createNode(w, 'node1', '10.0.1.10', a.node);
        const run = node.run(a.render(1));
        expect(run.status).not.toBe(0);
        expect(signals(run.calls)).toEqual([expect.stringMatching(new RegExp(`^cfn-signal --exit-code 1 --reason hpc-ha .* node 1 failed in step '${stepName}': ${reason}`))]);
        expect(run.stderr).toContain(reason);
        expect(run.calls.some((c) => c === `systemctl restart ${a.portalRestart}` || c.startsWith('systemctl start enginframe'))).toBe(false);
      } finally {
        w.cleanup();
      }
    });

    it('a head node on another OS: its Slurm client build is refused naming both platforms, and the boot signals failure', () => {
      const w = a.newWorld();
      try {
        // munge comes from the distribution here, so only the Slurm client's own check can stop a rhel8 build.
        w.publish('cluster1', '10.0.1.100', '24.11.6', { id: 'rhel', versionId: '8.10' });
        const node = createNode(w, 'node1', '10.0.1.10', a.node);
        const run = node.run(a.render(1));
        expect(run.status).not.toBe(0);
        expect(signals(run.calls)).toEqual([
          expect.stringContaining("failed in step 'clusters': the Slurm build of cluster1's head node is for rhel 8.10 x86_64 while this node runs amzn 2023 x86_64"),
        ]);
        expect(node.exists('opt/slurm')).toBe(false);
        expect(run.calls.some((c) => c.startsWith('mount -t nfs'))).toBe(false);
      } finally {
        w.cleanup();
      }
    });

    it('replacement of node 2 while AZ 1’s FSx and cluster are gone: it serves and signals success', () => {
      // AZ 1 is gone: its FSx server is dead (a mount of it fails, slowly) and its head node no longer exports its
      // Slurm build; its publication stays on EFS, as files do.
      world.killFsxServer('fs-0aaaaaaaaaaaaaaa1.fsx.cn-north-1.amazonaws.com.cn');
      rmSync(join(world.dir, 'nfs', '10.0.1.100'), { recursive: true, force: true });
      const node2 = createNode(world, 'node2', '10.0.2.20', a.node);
      const run = node2.run(a.render(2, { sssdChanged: true }));
      expect(run.status, node2.log()).toBe(0);
      expect(signals(run.calls)).toEqual([expect.stringMatching(/^cfn-signal --exit-code 0 --reason hpc-ha .* node 2 is ready /)]);
      const mounts = run.calls.filter((c) => c.startsWith('mount '));
      expect(mounts).toContain(`mount ${node2.root}/fsx_cluster2`);
      expect(mounts.some((c) => c.includes('fsx_cluster1') || c.includes('10.0.1.100'))).toBe(false);
      expect(node2.file('etc/fstab')).toMatch(/ \/fsx_cluster1 lustre \S*,nofail,x-systemd\.automount,x-systemd\.mount-timeout=30,x-systemd\.idle-timeout=120 0 0/);
      expect(node2.file('opt/slurm/bin/sbatch')).toContain('24.11.6');
    });

    it('the re-sync survives a probe of the dead AZ’s FSx that hangs: bounded, killed, and it never holds the re-sync lock', () => {
      const node2 = createNode(world, 'node2', '10.0.2.20', a.node);
      // `ls` of an FSx directory hangs ignoring SIGTERM, as a process in a dead Lustre mount does; its child keeps
      // every file descriptor it inherited for 20 s.
      const bin = join(world.dir, 'hang-bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'ls'), `#!/bin/bash\ncase "$*" in *fsx_cluster*) (trap '' TERM; exec sleep 20) & trap '' TERM; exec sleep 60 ;; esac\nexec /bin/ls "$@"\n`);
      chmodSync(join(bin, 'ls'), 0o755);
      world.republishSlurmConf('cluster2', 'MessageTimeout=40\n');
      const started = Date.now();
      const run = node2.run(a.render(2, { sssdChanged: true, remoteMountSeconds: 1 }), ['resync'], bin);
      expect(run.status, node2.log()).toBe(0);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(node2.file('etc/hpc-ha/slurm/cluster2/slurm.conf')).toContain('MessageTimeout=40');
      expect(node2.log()).toMatch(/FSx fs-0aaaaaaaaaaaaaaa1 at \/fsx_cluster1 is unreachable/);
      const next = node2.run(a.render(2, { sssdChanged: true, remoteMountSeconds: 1 }), ['resync']);
      expect(next.status).toBe(0);
      expect(node2.log().split('\n').slice(-6).join('\n')).not.toContain('another re-sync is running');
    });
  });
}
