import { createHash } from 'node:crypto';
/** `@hpc-ha/infra/artifacts`: what `hpc-ha render` writes, checked with the tools that consume those files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateClusterConfig } from '@hpc-ha/pcluster-config';
import {
  envValue,
  placeholderValues,
  realisticValues,
  renderDeploymentArtifacts,
} from '../src/artifacts/index.js';
import { enginframePortal, loadDeploymentConfig, type DeploymentConfig } from '../src/config/index.js';
import { EXAMPLES, examplePath, variantConfig } from './support/synth.js';
import { CDK_MODULES, importDenying } from '../../../tools/test-harness/deny-modules.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'hpc-ha-artifacts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const configs: [string, DeploymentConfig][] = [
  ...EXAMPLES.map((e): [string, DeploymentConfig] => [e, loadDeploymentConfig(examplePath(e))]),
  ['cn-northwest-1 with ParallelCluster 2.10.3', variantConfig('cn-northwest-1', { 'clusters.parallelclusterVersion': '2.10.3', 'clusters.os': 'alinux2', 'portal.keyName': 'hpc-admins' })],
];

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

/** Values as long as real ones get, to check the user-data budget with margin. */
const longValues = realisticValues;

describe.each(configs)('%s', (_name, config) => {
  const files = renderDeploymentArtifacts(config, placeholderValues(config));
  const byPath = new Map(files.map((f) => [f.path, f]));
  const legacy = config.clusters.parallelclusterVersion.startsWith('2.');

  it('renders every generated file once, described, deterministic, without CDK tokens', () => {
    const ext = legacy ? 'ini' : 'yaml';
    const expected = [
      `clusters/cluster1.${ext}`,
      `clusters/cluster2.${ext}`,
      ...(legacy
        ? ['clusters/cluster1-post-install.sh', 'clusters/cluster2-post-install.sh']
        : [
            'clusters/cluster1-head-node.sh',
            'clusters/cluster1-compute-node.sh',
            'clusters/cluster2-head-node.sh',
            'clusters/cluster2-compute-node.sh',
            'clusters/custom-action-runner.sh',
          ]),
      'portal/bootstrap-program.sh',
      'portal/node1/user-data.sh',
      'portal/node2/user-data.sh',
      'portal/efinstall.config',
      'portal/ef.slurm.conf',
      'portal/server.conf.settings',
      'portal/agent.conf.settings',
      'portal/enginframe.conf.settings',
      'database/bootstrap.sql',
    ];
    expect(files.map((f) => f.path).sort()).toEqual(expected.sort());
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    for (const f of files) {
      expect(f.description.length).toBeGreaterThan(10);
      expect(f.content).not.toContain('${Token[');
      expect(f.content.endsWith('\n')).toBe(true);
    }
    expect(renderDeploymentArtifacts(config, placeholderValues(config))).toEqual(files);
  });

  it('requires only its own AZ\'s FSx on each node (the other is automounted), and points the agent at its own server', () => {
    const node1 = byPath.get('portal/node1/user-data.sh')!.content;
    const node2 = byPath.get('portal/node2/user-data.sh')!.content;
    expect(node1).toMatch(/ \/fsx_cluster1 required\n.* \/fsx_cluster2 optional"/);
    expect(node2).toMatch(/ \/fsx_cluster1 optional\n.* \/fsx_cluster2 required"/);
    for (const userData of [node1, node2]) expect(userData).toContain('ef.download.server.url=https\\\\://localhost\\\\:8443/enginframe/download');
    // The loader's own failure signal finds cfn-signal where aws-cfn-bootstrap puts it (not on cloud-init's PATH).
    expect(node1).toContain('PATH="/opt/aws/bin:$PATH" cfn-signal --exit-code 1');
  });

  it('shows every deploy-time value as a readable <Placeholder>', () => {
    const userData = byPath.get('portal/node1/user-data.sh')!.content;
    for (const p of ['<EfsFileSystemId>', '<FsxFileSystemId1>', '<FsxDnsName2>', '<MungeKeySecretArn>', '<DatabaseEndpoint>', '<DatabaseUserSecretArn>', '<BootstrapLogGroupName>']) {
      expect(userData).toContain(p);
    }
    if (!legacy) {
      const cluster2 = byPath.get('clusters/cluster2.yaml')!.content;
      expect(cluster2).toContain('SubnetId: <PrivateSubnetId2>');
      expect(cluster2).toContain('FileSystemId: <FsxFileSystemId2>');
      expect(cluster2).toContain('MountDir: /fsx_cluster2');
      expect(validateClusterConfig(cluster2, { clusterName: `${config.name}-cluster2` }).valid).toBe(true);
    }
  });

  it.runIf(legacy)('2.x: one post_install script per cluster, given the munge key secret ARN; the portal nodes create the clusters', () => {
    const ini = byPath.get('clusters/cluster2.ini')!.content;
    expect(ini).toMatch(/^post_install = s3:\/\/<AssetBucketName>\/<cluster2PostInstallScriptKey>$/m);
    expect(ini).toMatch(/^post_install_args = <MungeKeySecretArn>$/m);
    expect(ini).toMatch(/^additional_iam_policies = <ClusterNodePolicyArn>$/m);
    const script = byPath.get('clusters/cluster2-post-install.sh')!.content;
    expect(script).toContain(`readonly CLUSTER_NAME=${config.name}-cluster2\n`);
    // An S3 asset: no deploy-time value in its text (the secret ARN arrives as post_install_args).
    expect(script).not.toMatch(/<(MungeKeySecretArn|AssetBucketName|EfsFileSystemId)>|arn:aws/);
    const env = byPath.get('portal/node2/user-data.sh')!.content;
    expect(envValue(env, 'HPC_HA_PCLUSTER_VERSION')).toBe(config.clusters.parallelclusterVersion);
    // The INI travels as an S3 object (its checksum in user data), not in user data.
    expect(envValue(env, 'HPC_HA_PCLUSTER_CONFIG')).toBe('');
    expect(envValue(env, 'HPC_HA_PCLUSTER_CONFIG_URI')).toBe('s3://<AssetBucketName>/<cluster2ConfigKey>');
    expect(envValue(env, 'HPC_HA_PCLUSTER_CONFIG_SHA256')).toBe(createHash('sha256').update(ini).digest('hex'));
    expect(envValue(env, 'HPC_HA_PCLUSTER_PIP_INDEX_URL')).toBe(config.clusters.pipIndexUrl);
    if (hasShellcheck || process.env['CI'] === 'true') {
      const file = join(tmp, `${config.name}-post-install.sh`);
      writeFileSync(file, script);
      const run = spawnSync('shellcheck', ['-s', 'bash', file], { encoding: 'utf8' });
      expect(run.stdout).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('keeps each node\'s user data under the 16 KB EC2 limit with realistic values', () => {
    const real = renderDeploymentArtifacts(config, longValues(config));
    for (const n of [1, 2]) {
      const size = Buffer.byteLength(real.find((f) => f.path === `portal/node${n}/user-data.sh`)!.content);
      expect(size).toBeLessThan(16 * 1024 - 1024);
    }
  });

  it('extracts efinstall.config and ef.slurm.conf exactly as bash reads them from the settings block', () => {
    const userData = byPath.get('portal/node1/user-data.sh')!.content;
    const env = userData.slice(userData.indexOf('\n') + 1, userData.indexOf('\n# Ship the bootstrap log'));
    const file = join(tmp, `${config.name}-env.sh`);
    writeFileSync(file, env);
    for (const [name, path] of [['HPC_HA_EFINSTALL_CONFIG', 'portal/efinstall.config'], ['HPC_HA_EF_SLURM_CONF', 'portal/ef.slurm.conf']] as const) {
      const fromBash = execFileSync('bash', ['-c', `source "$1"; printf '%s' "\${${name}}"`, 'bash', file], { encoding: 'utf8' });
      expect(envValue(env, name)).toBe(fromBash);
      expect(byPath.get(path)!.content.trimEnd()).toBe(fromBash.trimEnd());
    }
  });

  it.runIf(hasShellcheck || process.env['CI'] === 'true')('user data and the program loader are shellcheck-clean', () => {
    // Laid out as `hpc-ha render` writes them, so shellcheck follows the loader into the program it sources.
    const root = mkdtempSync(join(tmp, 'render-'));
    for (const f of files) {
      mkdirSync(dirname(join(root, f.path)), { recursive: true });
      writeFileSync(join(root, f.path), f.content);
    }
    for (const n of [1, 2]) {
      const file = join(root, `portal/node${n}/user-data.sh`);
      const run = spawnSync('shellcheck', ['-x', '-P', 'SCRIPTDIR', '-s', 'bash', file], { encoding: 'utf8' });
      expect(run.stdout).toBe('');
      expect(run.status).toBe(0);
    }
  });

  it('never puts a password in a rendered file: the SQL binds it, the nodes read secrets by ARN', () => {
    const sql = byPath.get('database/bootstrap.sql')!.content;
    expect(sql).toContain('EnginFrameDB');
    expect(sql).toMatch(/latin1/);
    expect(sql).toContain('?');
    expect(byPath.get('portal/node1/user-data.sh')!.content).toContain(`HPC_HA_ADMIN_SECRET_ARN="${enginframePortal(config).adminPasswordSecretArn}"`);
  });
});

describe('@hpc-ha/infra/artifacts', () => {
  it('loads and renders without resolving aws-cdk-lib, constructs or cdk-nag', () => {
    const out = importDenying({
      deny: CDK_MODULES,
      nodeArgs: ['--conditions=@hpc-ha/source'],
      cwd: here('..'),
      entry: here('../src/artifacts/index.ts'),
      code: `const c = await import(${JSON.stringify(here('../src/config/index.ts'))});
         const config = c.loadDeploymentConfig(${JSON.stringify(examplePath('cn-north-1'))});
         process.stdout.write(String(m.renderDeploymentArtifacts(config, m.placeholderValues(config)).length));`,
    });
    expect(Number(out.trim())).toBeGreaterThan(10);
  });

  it('takes the EnginFrame build from portal.installer.version when the jar is not named after it', () => {
    expect(() => variantConfig('cn-north-1', { 'portal.installer.uri': 's3://my-bucket/enginframe/latest.jar' })).toThrow(
      /:\d+:\d+ portal\.installer\.uri: does not say which EnginFrame build it is/,
    );
    const config = variantConfig('cn-north-1', { 'portal.installer.uri': 's3://my-bucket/enginframe/latest.jar', 'portal.installer.version': '2021.0-r1780' });
    const bootstrap = renderDeploymentArtifacts(config, placeholderValues(config)).find((a) => a.path === 'portal/node1/user-data.sh');
    expect(bootstrap?.content).toContain('2021.0-r1780');
  });
});
