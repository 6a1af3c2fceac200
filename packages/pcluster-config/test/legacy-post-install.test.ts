import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderLegacyPostInstallScript, type ClusterSpec } from '../src/index.js';
import { EXAMPLES, legacyVariant, MINIMAL } from './fixtures/example-specs.js';
import { shellcheckBinary, stubNode, type StubNode } from './support/stub-node.js';

const SPEC = legacyVariant(EXAMPLES[0]!.specs[0]);
const SCRIPT = renderLegacyPostInstallScript(SPEC);
const SCRIPT_URL = SPEC.customActions!.postInstall!.scriptUri;
const MUNGE_ARN = SPEC.mungeKeySecretArn;
const PUBLISH = 'efs/hpc-ha/clusters/hpcha-cluster1';
// What ParallelCluster 2.x passes: the script's own URL, then post_install_args (renderLegacyIni: the secret ARN).
const ARGS = [SCRIPT_URL, MUNGE_ARN];

const KEY = Buffer.concat([Buffer.from('CANARY-munge-key'), randomBytes(1008)]);
const KEY_B64 = KEY.toString('base64');

let node: StubNode;
afterEach(() => node?.dispose());

/** A 2.x node: cfnconfig as ParallelCluster writes it, and the munge secret in (stub) Secrets Manager. */
function legacyNode(nodeType: 'MasterServer' | 'ComputeFleet', opts: { stack?: string; key?: string } = {}): StubNode {
  const n = stubNode();
  mkdirSync(join(n.root, 'etc/parallelcluster'), { recursive: true });
  writeFileSync(
    join(n.root, 'etc/parallelcluster/cfnconfig'),
    `stack_name=${opts.stack ?? 'parallelcluster-hpcha-cluster1'}\ncfn_region=cn-north-1\ncfn_scheduler=slurm\ncfn_node_type=${nodeType}\ncfn_postinstall=${SCRIPT_URL}\ncfn_postinstall_args=${MUNGE_ARN}\n`,
  );
  writeFileSync(join(n.state, 'secret-string'), `${opts.key ?? KEY_B64}\n`);
  return n;
}

/** 2.x's Slurm calls every cluster "parallelcluster". */
const SLURM_2X = { STUB_CLUSTER_NAME: 'parallelcluster' };

const mungeKey = () => join(node.root, 'etc/munge/munge.key');
const mungeDir = () => readdirSync(join(node.root, 'etc/munge')).sort();
const published = () => (existsSync(join(node.root, PUBLISH)) ? readdirSync(join(node.root, PUBLISH)).sort() : []);
const read = (rel: string) => readFileSync(join(node.root, rel), 'utf8');

function expectNoKeyLeaked(r: { stdout: string; stderr: string }): void {
  for (const text of [r.stdout, r.stderr, node.calls().join('\n')]) {
    expect(text).not.toContain(KEY_B64.slice(0, 24));
    expect(text).not.toContain('CANARY-munge-key');
  }
}

describe('renderLegacyPostInstallScript', () => {
  const shellcheck = shellcheckBinary();
  it.skipIf(!shellcheck && process.env.CI !== 'true')('is shellcheck-clean for every example cluster (no disables)', () => {
    expect(shellcheck, 'shellcheck is not installed (CI=true requires it)').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'pcluster-config-legacy-sc-'));
    try {
      const files = EXAMPLES.flatMap(({ deployment, specs }) =>
        specs.map((s) => {
          const text = renderLegacyPostInstallScript(legacyVariant(s));
          expect(text).not.toMatch(/shellcheck disable/);
          const file = join(dir, `${deployment}-${s.clusterName}.sh`);
          writeFileSync(file, text);
          return file;
        }),
      );
      const r = spawnSync(shellcheck!, ['--shell=bash', '--severity=style', ...files], { encoding: 'utf8' });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('embeds no deploy-time value: the secret ARN arrives as an argument', () => {
    expect(SCRIPT).not.toContain(MUNGE_ARN);
    expect(SCRIPT).not.toMatch(/arn:aws/);
    const tokens: ClusterSpec = { ...SPEC, mungeKeySecretArn: '${Token[TOKEN.9]}', vpcId: '${Token[TOKEN.8]}' };
    expect(renderLegacyPostInstallScript(tokens)).toBe(SCRIPT);
  });

  it('is only for 2.x clusters', () => {
    expect(() => renderLegacyPostInstallScript(MINIMAL)).toThrow(/3\.16\.3 is not a 2\.10\.x or 2\.11\.x release; 3\.x runs renderHeadNodeScript/);
  });
});

describe('2.x post_install on the head node (MasterServer)', () => {
  it('first run: accounts with homes, the shared munge key 0400 via a temp file, munge restarted, Slurm settings published', () => {
    node = legacyNode('MasterServer');
    const r = node.run(SCRIPT, SLURM_2X, ARGS);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    expect(node.calls()).toContain('useradd --uid 5000 --gid 5000 --shell /bin/bash --create-home efadmin');
    expect(node.passwd()).toEqual(expect.arrayContaining(['efadmin:x:5000:5000::/home/efadmin:/bin/bash', 'efnobody:x:5001:5001::/home/efnobody:/sbin/nologin']));

    expect(readFileSync(mungeKey())).toEqual(KEY);
    expect(statSync(mungeKey()).mode & 0o777).toBe(0o400);
    expect(mungeDir()).toEqual(['munge.key']);
    const calls = node.calls();
    expect(calls).toContain(`aws secretsmanager get-secret-value --region cn-north-1 --secret-id ${MUNGE_ARN} --query SecretString --output text`);
    const chown = calls.find((c) => c.startsWith('chown munge:munge '));
    expect(chown).toMatch(/etc\/munge\/munge\.key\.hpc-ha\.\w+$/);
    expect(calls.indexOf('systemctl restart munge')).toBeGreaterThan(calls.indexOf(chown!));
    expectNoKeyLeaked(r);

    expect(published()).toEqual(['cluster.env', 'munge', 'slurm.conf']);
    const conf = read(`${PUBLISH}/slurm.conf`);
    expect(conf).toContain('written by the hpc-ha post_install script\n');
    expect(conf).toContain('\nClusterName=parallelcluster\nSlurmctldHost=ip-10-0-1-23(10.0.1.23)\nSlurmctldPort=6820-6829\n');
    expect(read(`${PUBLISH}/cluster.env`)).toContain('HPC_HA_CLUSTER_NAME="hpcha-cluster1"\n');
    expect(read(`${PUBLISH}/cluster.env`)).toContain('HPC_HA_SLURMCTLD_ADDR="10.0.1.23"\n');
  });

  it('re-run is idempotent: same files, no new accounts, munge not restarted, no temp files', () => {
    node = legacyNode('MasterServer');
    expect(node.run(SCRIPT, SLURM_2X, ARGS).status).toBe(0);
    const before = { env: read(`${PUBLISH}/cluster.env`), conf: read(`${PUBLISH}/slurm.conf`), passwd: node.passwd() };
    const n = node.calls().length;
    const again = node.run(SCRIPT, SLURM_2X, ARGS);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/the shared munge key is already installed/);
    const calls = node.calls().slice(n);
    expect(calls.filter((c) => /^(useradd|groupadd|systemctl) /.test(c))).toEqual([]);
    expect(readFileSync(mungeKey())).toEqual(KEY);
    expect(mungeDir()).toEqual(['munge.key']);
    expect({ env: read(`${PUBLISH}/cluster.env`), conf: read(`${PUBLISH}/slurm.conf`), passwd: node.passwd() }).toEqual(before);
    expect(published()).toEqual(['cluster.env', 'munge', 'slurm.conf']);
  });

  it('a failing secret fetch exits non-zero with nothing half-written: no key, no temp file, nothing published', () => {
    node = legacyNode('MasterServer');
    const r = node.run(SCRIPT, { ...SLURM_2X, STUB_SECRET_FAIL: '1' }, ARGS);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot read the munge key from arn:aws-cn:secretsmanager:.* secretsmanager:GetSecretValue/);
    expect(mungeDir()).toEqual([]);
    expect(published()).toEqual([]);
    expect(node.calls().some((c) => c.startsWith('systemctl ') || c.startsWith('scontrol '))).toBe(false);
  });

  it('a failing re-run keeps the installed key and the publication intact', () => {
    node = legacyNode('MasterServer');
    expect(node.run(SCRIPT, SLURM_2X, ARGS).status).toBe(0);
    const env = read(`${PUBLISH}/cluster.env`);
    writeFileSync(join(node.state, 'secret-string'), 'not base64 at all!\n');
    const r = node.run(SCRIPT, SLURM_2X, ARGS);
    expect(r.status).not.toBe(0);
    expect(readFileSync(mungeKey())).toEqual(KEY);
    expect(mungeDir()).toEqual(['munge.key']);
    expect(read(`${PUBLISH}/cluster.env`)).toBe(env);
  });

  it.each([
    ['the secret is too short for munge', { key: Buffer.alloc(16, 1).toString('base64') }, ARGS, /decodes to 16 bytes; munge needs at least 32/],
    ['post_install_args is missing', {}, [SCRIPT_URL], /missing argument: the munge key secret ARN/],
    ['the argument is not a secret ARN', {}, [SCRIPT_URL, 'hpcha/munge-key'], /'hpcha\/munge-key' is not a Secrets Manager secret ARN/],
    ['the node belongs to another cluster', { stack: 'parallelcluster-other' }, ARGS, /belongs to stack 'parallelcluster-other'/],
  ])('fails without installing a key or publishing when %s', (_name, opts, args, message) => {
    node = legacyNode('MasterServer', opts);
    const r = node.run(SCRIPT, SLURM_2X, args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(mungeDir()).toEqual([]);
    expect(published()).toEqual([]);
  });

  it('also accepts being called with the secret ARN alone, and refuses to run outside a cluster node', () => {
    node = legacyNode('MasterServer');
    expect(node.run(SCRIPT, SLURM_2X, [MUNGE_ARN]).status).toBe(0);
    rmSync(join(node.root, 'etc/parallelcluster/cfnconfig'));
    expect(node.run(SCRIPT, SLURM_2X, ARGS).stderr).toMatch(/cfnconfig is missing; this is a ParallelCluster 2.x post_install script/);
  });
});

describe('2.x post_install on a compute node (ComputeFleet)', () => {
  it('first run: accounts without homes and the shared munge key; publishes nothing; re-run changes nothing', () => {
    node = legacyNode('ComputeFleet');
    const r = node.run(SCRIPT, {}, ARGS);
    expect(r.stderr).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
    expect(node.calls()).toContain('useradd --uid 5000 --gid 5000 --shell /bin/bash --no-create-home efadmin');
    expect(readFileSync(mungeKey())).toEqual(KEY);
    expect(statSync(mungeKey()).mode & 0o777).toBe(0o400);
    expect(node.calls()).toContain('systemctl restart munge');
    expect(node.calls().some((c) => c.startsWith('scontrol ') || c.startsWith('curl '))).toBe(false);
    expect(published()).toEqual([]);
    expectNoKeyLeaked(r);

    const n = node.calls().length;
    expect(node.run(SCRIPT, {}, ARGS).status).toBe(0);
    expect(node.calls().slice(n).filter((c) => /^(useradd|groupadd|systemctl) /.test(c))).toEqual([]);
    expect(mungeDir()).toEqual(['munge.key']);
  });

  it('a failing secret fetch fails the node and leaves no key behind', () => {
    node = legacyNode('ComputeFleet');
    const r = node.run(SCRIPT, { STUB_SECRET_FAIL: '1' }, ARGS);
    expect(r.status).not.toBe(0);
    expect(mungeDir()).toEqual([]);
  });

  it('refuses an unknown node type', () => {
    node = stubNode();
    mkdirSync(join(node.root, 'etc/parallelcluster'), { recursive: true });
    writeFileSync(join(node.root, 'etc/parallelcluster/cfnconfig'), 'stack_name=parallelcluster-hpcha-cluster1\ncfn_node_type=HeadNode\n');
    const r = node.run(SCRIPT, {}, ARGS);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cfn_node_type is 'HeadNode'.*expected MasterServer or ComputeFleet/);
  });
});
