import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderComputeNodeScript, renderHeadNodeScript, type ClusterSpec } from '../src/index.js';
import { EXAMPLES, MINIMAL } from './fixtures/example-specs.js';
import { IMDS_TOKEN, MUNGE_BUILD, shellcheckBinary, stubNode, type StubNode } from './support/stub-node.js';

/** The client stub's keys: each means the same to Slurm 22.05 (the rehearsal's) and 25.11 (ParallelCluster 3.16's). */
const CLIENT_STUB_KEYS = ['ClusterName', 'SlurmctldHost', 'SlurmctldPort', 'AuthType', 'CredType'];

const SPEC = EXAMPLES[0]!.specs[0];
const PUBLISH = 'efs/hpc-ha/clusters/hpcha-cluster1';

describe('shellcheck', () => {
  const shellcheck = shellcheckBinary();
  it.skipIf(!shellcheck && process.env.CI !== 'true')('is clean on every generated script (no disables)', () => {
    expect(shellcheck, 'shellcheck is not installed (CI=true requires it)').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'pcluster-config-sc-'));
    try {
      const files: string[] = [];
      for (const { deployment, specs } of EXAMPLES) {
        for (const spec of [...specs, MINIMAL]) {
          for (const [kind, text] of [['head', renderHeadNodeScript(spec)], ['compute', renderComputeNodeScript(spec)]] as const) {
            expect(text).not.toMatch(/shellcheck disable/);
            const file = join(dir, `${deployment}-${spec.clusterName}-${kind}.sh`);
            writeFileSync(file, text);
            files.push(file);
          }
        }
      }
      const r = spawnSync(shellcheck!, ['--shell=bash', '--severity=style', ...files], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

let node: StubNode;
afterEach(() => node?.dispose());

const read = (rel: string) => readFileSync(join(node.root, rel), 'utf8');
const publishedFiles = () => (existsSync(join(node.root, PUBLISH)) ? readdirSync(join(node.root, PUBLISH)).sort() : []);

/** What the portal gets when it sources cluster.env. */
function sourceEnv(file: string): Record<string, string> {
  const r = spawnSync('bash', ['-c', 'set -a; source "$1"; env -0', 'bash', file], { encoding: 'utf8', env: {} });
  return Object.fromEntries(
    r.stdout.split('\0').filter((l) => l.startsWith('HPC_HA_')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('head-node script under bash with stub commands', () => {
  const script = renderHeadNodeScript(SPEC);

  it('first run creates the accounts and publishes slurm.conf and cluster.env', () => {
    node = stubNode();
    const r = node.run(script);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    expect(node.group()).toEqual(expect.arrayContaining(['efadmin:x:5000:', 'efnobody:x:5001:']));
    expect(node.passwd()).toEqual(
      expect.arrayContaining(['efadmin:x:5000:5000::/home/efadmin:/bin/bash', 'efnobody:x:5001:5001::/home/efnobody:/sbin/nologin']),
    );
    expect(node.calls()).toContain('useradd --uid 5000 --gid 5000 --shell /bin/bash --create-home efadmin');
    expect(publishedFiles()).toEqual(['cluster.env', 'munge', 'slurm.conf']);
    expect(read(`${PUBLISH}/slurm.conf`)).toBe(
      [
        '# Slurm client settings for the EnginFrame portal, written by the hpc-ha head-node custom action',
        '# of ParallelCluster cluster hpcha-cluster1. Do not edit: the head node rewrites this file.',
        'ClusterName=hpcha-cluster1',
        'SlurmctldHost=ip-10-0-1-23(10.0.1.23)',
        'SlurmctldPort=6820-6829',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        '',
      ].join('\n'),
    );
    expect(sourceEnv(join(node.root, PUBLISH, 'cluster.env'))).toEqual({
      HPC_HA_CLUSTER_NAME: 'hpcha-cluster1',
      HPC_HA_SLURMCTLD_HOST: 'ip-10-0-1-23',
      HPC_HA_SLURMCTLD_ADDR: '10.0.1.23',
      HPC_HA_SLURMCTLD_PORT: '6820-6829',
      HPC_HA_SLURM_VERSION: '24.11.6',
      HPC_HA_SLURM_PREFIX: '/opt/slurm',
    });
  });

  it('uses IMDSv2 and never puts the session token on a command line', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    const curl = node.calls().filter((c) => c.startsWith('curl '));
    expect(curl).toHaveLength(2);
    expect(curl[0]).toMatch(/-X PUT .*X-aws-ec2-metadata-token-ttl-seconds/);
    expect(node.calls().join('\n')).not.toContain(IMDS_TOKEN);
  });

  it('the client slurm.conf names no account: a portal host has no slurm user (Slurm clients stop on an unknown SlurmUser)', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    const conf = read(`${PUBLISH}/slurm.conf`);
    expect(conf).not.toMatch(/^(SlurmUser|SlurmdUser)=/m);
    expect(conf.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.slice(0, l.indexOf('=')))).toEqual(
      CLIENT_STUB_KEYS,
    );
  });

  it('publishes the head node\'s munge build and the OS it runs on, for portals without a munge package', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    const dir = join(node.root, PUBLISH, 'munge');
    expect(readdirSync(dir).sort()).toEqual(['libmunge.so.2', 'munge', 'munge.env', 'munged', 'unmunge']);
    expect(readFileSync(join(dir, 'munged'), 'utf8')).toBe(MUNGE_BUILD['usr/sbin/munged']);
    expect(readFileSync(join(dir, 'libmunge.so.2'), 'utf8')).toBe(MUNGE_BUILD['usr/lib64/libmunge.so.2']);
    expect(statSync(join(dir, 'munged')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'libmunge.so.2')).mode & 0o777).toBe(0o644);
    expect(sourceEnv(join(dir, 'munge.env'))).toEqual({
      HPC_HA_MUNGE_VERSION: 'munge-0.5.16',
      HPC_HA_MUNGE_OS_ID: 'amzn',
      HPC_HA_MUNGE_OS_VERSION_ID: '2023',
      HPC_HA_MUNGE_ARCH: 'x86_64',
    });
  });

  it('fails without publishing anything when the head node has no munge build', () => {
    node = stubNode();
    rmSync(join(node.root, 'usr/lib64/libmunge.so.2'));
    const r = node.run(script);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/libmunge.so.2 not found on this head node/);
    expect(publishedFiles()).toEqual([]);
  });

  it('re-run is idempotent: same bytes, no duplicate accounts, no temp files', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    const before = { conf: read(`${PUBLISH}/slurm.conf`), env: read(`${PUBLISH}/cluster.env`), passwd: node.passwd(), group: node.group() };
    const callsBefore = node.calls().length;
    const again = node.run(script, {}, ['ignored-arg']);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/ignoring 1 argument/);
    expect(read(`${PUBLISH}/slurm.conf`)).toBe(before.conf);
    expect(read(`${PUBLISH}/cluster.env`)).toBe(before.env);
    expect(node.passwd()).toEqual(before.passwd);
    expect(node.group()).toEqual(before.group);
    expect(node.calls().slice(callsBefore).filter((c) => /^(useradd|groupadd) /.test(c))).toEqual([]);
    expect(publishedFiles()).toEqual(['cluster.env', 'munge', 'slurm.conf']);
  });

  it.each([
    ['slurmctld never answers', { STUB_SCONTROL_FAIL: '1' }, /scontrol show config failed 12 times/],
    ['Slurm knows the cluster under another name', { STUB_CLUSTER_NAME: 'parallelcluster' }, /Slurm calls this cluster 'parallelcluster'/],
    ['the metadata service refuses a token', { STUB_IMDS_FAIL: '1' }, /cannot get an IMDSv2 session token/],
    ['the metadata service returns garbage', { STUB_IP: 'not-an-ip' }, /not an IPv4 address/],
    ['EFS is not mounted', { STUB_MOUNTPOINT_RC: '1' }, /is not a mounted file system/],
    ['groupadd fails', { STUB_GROUPADD_FAIL: '1' }, /cannot lock/],
  ])('fails without publishing anything when %s', (_name, env, message) => {
    node = stubNode();
    const r = node.run(script, env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(publishedFiles()).toEqual([]);
  });

  it('a failure between the two renames leaves no cluster.env (the portal treats the directory as incomplete) and no temp files', () => {
    node = stubNode();
    const r = node.run(script, { STUB_MV_FAIL_ON: 'cluster.env' });
    expect(r.status).not.toBe(0);
    expect(publishedFiles()).toEqual(['munge', 'slurm.conf']);
    expect(readdirSync(join(node.root, PUBLISH, 'munge')).filter((f) => f.includes('.tmp.'))).toEqual([]);
  });

  it('a failing re-run keeps the previously published files intact', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    const env = read(`${PUBLISH}/cluster.env`);
    expect(node.run(script, { STUB_IP: '10.0.9.9', STUB_MV_FAIL_ON: 'cluster.env' }).status).not.toBe(0);
    expect(read(`${PUBLISH}/cluster.env`)).toBe(env);
    expect(publishedFiles()).toEqual(['cluster.env', 'munge', 'slurm.conf']);
  });

  it('refuses an existing account with another uid instead of running jobs as the wrong user', () => {
    node = stubNode();
    writeFileSync(join(node.state, 'group'), 'efadmin:x:5000:\n', { flag: 'a' });
    writeFileSync(join(node.state, 'passwd'), 'efadmin:x:1234:5000::/home/efadmin:/bin/bash\n', { flag: 'a' });
    const r = node.run(script);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/user efadmin exists with uid 1234 but the portal uses uid 5000/);
    expect(publishedFiles()).toEqual([]);
  });

  it('warns when Slurm hides other users\' jobs from the portal admin', () => {
    node = stubNode();
    const r = node.run(script, { STUB_PRIVATE_DATA: 'jobs,usage' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/WARNING: PrivateData=jobs,usage/);
  });

  it('honours custom account ids, EFS mount dir and publish root', () => {
    const spec: ClusterSpec = {
      ...MINIMAL,
      portalAdmin: { userName: 'portaladm', uid: 7000, groupName: 'portal', gid: 7000 },
      sharedStorage: { efs: { fileSystemId: 'fs-0123456789abcdef0', mountDir: '/shared/efs' } },
      publishRoot: 'hpc/pub',
    };
    node = stubNode({ efs: '/shared/efs' });
    expect(node.run(renderHeadNodeScript(spec)).status).toBe(0);
    expect(node.passwd()).toContain('portaladm:x:7000:7000::/home/portaladm:/bin/bash');
    expect(existsSync(join(node.root, 'shared/efs/hpc/pub/clusters/hpcha-cluster1/cluster.env'))).toBe(true);
  });
});

describe('compute-node script under bash with stub commands', () => {
  const script = renderComputeNodeScript(SPEC);

  it('first run creates the accounts without home directories; re-run changes nothing', () => {
    node = stubNode();
    expect(node.run(script).status).toBe(0);
    expect(node.calls()).toContain('useradd --uid 5000 --gid 5000 --shell /bin/bash --no-create-home efadmin');
    const passwd = node.passwd();
    expect(passwd.filter((l) => l.startsWith('efadmin:'))).toHaveLength(1);
    const n = node.calls().length;
    expect(node.run(script).status).toBe(0);
    expect(node.passwd()).toEqual(passwd);
    expect(node.calls().slice(n).filter((c) => /^(useradd|groupadd) /.test(c))).toEqual([]);
  });

  it('fails when useradd fails', () => {
    node = stubNode();
    const r = node.run(script, { STUB_USERADD_FAIL: '1' });
    expect(r.status).not.toBe(0);
    expect(node.passwd().some((l) => l.startsWith('efadmin:'))).toBe(false);
  });

  it('fails when the gid is taken by another group', () => {
    node = stubNode();
    writeFileSync(join(node.state, 'group'), 'docker:x:5000:\n', { flag: 'a' });
    const r = node.run(script);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/gid 5000 is taken by group docker/);
  });
});

describe('script inputs', () => {
  it('rejects deploy-time values, since the scripts are S3 assets', () => {
    const spec = { ...MINIMAL, sharedStorage: { efs: { fileSystemId: '${Token[TOKEN.1]}', mountDir: '${Token[TOKEN.2]}' } } };
    expect(() => renderHeadNodeScript(spec)).toThrow(/sharedStorage.efs.mountDir: node scripts are S3 assets/);
  });

  it('does not depend on deploy-time ids (same text whatever the EFS id)', () => {
    const a = renderHeadNodeScript(MINIMAL);
    const b = renderHeadNodeScript({ ...MINIMAL, sharedStorage: { efs: { fileSystemId: '${Token[TOKEN.1]}' } } });
    expect(a).toBe(b);
    expect(a).not.toMatch(/arn:|secret/i);
  });
});
