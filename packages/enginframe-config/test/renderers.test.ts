import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_STEPS, NODE_STEPS_MARKER } from '@hpc-ha/portal-node';
import { SSSD_PORTAL_STEP } from '@hpc-ha/sssd-config';
import { PORTAL_BOOTSTRAP_PROGRAM } from '../src/portal/program-text.js';
import { describe, expect, it } from 'vitest';
import {
  bootstrapSql,
  renderAgentConfSettings,
  renderEfinstallConfig,
  renderEfSlurmConf,
  renderEnginframeConfSettings,
  renderPortalBootstrap,
  renderPortalBootstrapEnv,
  renderPortalBootstrapProgram,
  renderServerConfSettings,
  SpecValidationError,
  MANAGED_BLOCK_BEGIN,
  MANAGED_BLOCK_END,
} from '../src/index.js';
import { efinstallSpec, portalSpec, tokenSpec } from './support/specs.js';

const GOLDEN = new URL('./golden/', import.meta.url);
const update = process.env['UPDATE_GOLDEN'] === '1';

function golden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN);
  if (update || !existsSync(file)) {
    if (!update && process.env['CI'] === 'true') throw new Error(`golden file ${name} is missing`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

function errorOf(fn: () => unknown): SpecValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpecValidationError) return e;
    throw e;
  }
  throw new Error('expected a SpecValidationError');
}

const slurmSpec = {
  binDir: '/opt/slurm/bin',
  clusters: [
    { id: 'CLUSTER1', label: 'Cluster 1 "AZ a"', conf: '/etc/hpc-ha/slurm/cluster1/slurm.conf' },
    { id: 'CLUSTER2', conf: '/etc/hpc-ha/slurm/cluster2/slurm.conf' },
  ],
};

describe('golden files', () => {
  it('efinstall.config', () => golden('efinstall.config', renderEfinstallConfig(efinstallSpec())));
  it('ef.slurm.conf', () => golden('ef.slurm.conf', renderEfSlurmConf(slurmSpec)));
  it('agent.conf settings', () =>
    golden('agent.conf.block', renderAgentConfSettings({ downloadServerUrl: 'https://alb.example/enginframe/download' })));
  it('server.conf settings', () =>
    golden(
      'server.conf.block',
      renderServerConfSettings({ enterpriseMembers: '10.0.1.5:7800,10.0.2.9:7800', enterpriseMembersProperty: 'ef.enterprise.tcp.servers', defaultAuthority: 'pam' }),
    ));
  it('enginframe.conf settings', () =>
    golden(
      'enginframe.conf.block',
      renderEnginframeConfSettings({ serverMinHeap: '1024m', serverMaxHeap: '4096m', agentMinHeap: '512m', agentMaxHeap: '2048m', agentJavaOptions: '-Xss1m' }),
    ));
  it('portal bootstrap env, node 1, concrete values', () => golden('portal-env-node1.sh', renderPortalBootstrapEnv(portalSpec())));
  it('portal bootstrap env, node 2, deploy-time tokens', () =>
    golden('portal-env-node2-tokens.sh', renderPortalBootstrapEnv({ ...tokenSpec(), nodeIndex: 2, ownCluster: 'cluster2' })));
  // The program itself has no golden copy: 'the embedded program matches program.sh' below compares it with its source.
  it('bootstrap SQL', () => golden('bootstrap.sql', bootstrapSql({ database: 'EnginFrameDB', user: 'enginframe' }).map((s) => `${s.sql};`).join('\n') + '\n'));
});

describe('determinism and composition', () => {
  it('renders byte-identical output for the same input', () => {
    expect(renderPortalBootstrap(portalSpec())).toBe(renderPortalBootstrap(structuredClone(portalSpec())));
    expect(renderEfinstallConfig(efinstallSpec())).toBe(renderEfinstallConfig(efinstallSpec()));
  });
  it('the full script is shebang + env block + program', () => {
    const spec = portalSpec();
    expect(renderPortalBootstrap(spec)).toBe(`#!/usr/bin/env bash\n${renderPortalBootstrapEnv(spec)}\n${renderPortalBootstrapProgram()}`);
  });
  it('the program contains no spec value, and the env block fits in EC2 user data with room to spare', () => {
    const program = renderPortalBootstrapProgram();
    for (const v of ['cn-north-1', 'fs-0123456789abcdef0', 'cluster1', 'secretsmanager:', '2021.0-r1667']) expect(program).not.toContain(v);
    expect(Buffer.byteLength(renderPortalBootstrapEnv(portalSpec()))).toBeLessThan(12 * 1024);
  });
  it('the embedded program matches program.sh (run scripts/embed-program.mjs after editing it)', () => {
    expect(PORTAL_BOOTSTRAP_PROGRAM).toBe(readFileSync(new URL('../src/portal/program.sh', import.meta.url), 'utf8'));
  });
  it('the rendered program is program.sh with the shared node steps and the directory step at its marker', () => {
    expect(renderPortalBootstrapProgram()).toBe(PORTAL_BOOTSTRAP_PROGRAM.replace(`${NODE_STEPS_MARKER}\n`, () => `${NODE_STEPS}${SSSD_PORTAL_STEP}\n`));
  });
  it('the program uses the managed-block markers the renderers emit', () => {
    expect(renderPortalBootstrapProgram()).toContain(`'${MANAGED_BLOCK_BEGIN}'`);
    expect(renderPortalBootstrapProgram()).toContain(`'${MANAGED_BLOCK_END}'`);
  });
});

describe('deploy-time values', () => {
  it('pass through the portal env block untouched', () => {
    const env = renderPortalBootstrapEnv(tokenSpec());
    for (const token of ['${Token[TOKEN.101]}', '${Token[TOKEN.200]}', '${Token[TOKEN.301]}', '${Token[TOKEN.303]}', '<AdminPasswordSecretArn>', '${Token[AWS.StackName.7]}'])
      expect(env).toContain(token);
    // The DB endpoint token sits inside the JDBC URL, itself inside efinstall.config.
    expect(env).toContain('kernel.ef.db.url = jdbc\\\\:mysql\\\\://${Token[TOKEN.301]}\\\\:3306/EnginFrameDB');
    // The agent's downloads go to its own server, never through the load balancer.
    expect(env).toContain('ef.download.server.url=https\\\\://localhost\\\\:8443/enginframe/download');
  });
  it('are still validated when concrete', () => {
    const bad = portalSpec({ efs: { fileSystemId: 'not-an-efs-id' }, mungeKeySecretArn: 'arn:aws-cn:s3:::bucket' });
    const error = errorOf(() => renderPortalBootstrapEnv(bad));
    expect(error.problems.map((p) => p.path).sort()).toEqual(['/efs/fileSystemId', '/mungeKeySecretArn']);
  });
});

describe('validation', () => {
  it('lists every problem of a portal spec in one error, with paths', () => {
    const spec = portalSpec({ ownCluster: 'cluster9', clusters: [{ name: 'cluster1' }, { name: 'cluster1' }] });
    const error = errorOf(() => renderPortalBootstrapEnv(spec));
    expect(error.problems.map((p) => p.path)).toEqual(['/clusters/1/name', '/ownCluster', '/fsx/1/cluster', '/fsx', '/clusters/1/id']);
    expect(error.message).toContain("/fsx: has no file system of this node's own cluster cluster9");
    expect(error.message).toContain('/ownCluster: is not one of the clusters (cluster1, cluster1)');
    expect(error.stack).not.toMatch(/\n\s+at /);
  });
  it('reports schema problems for several fields at once', () => {
    const spec = { ...portalSpec(), nodeIndex: 3, region: 'Mars', extra: true } as never;
    const paths = errorOf(() => renderPortalBootstrapEnv(spec)).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/nodeIndex', '/region', '/extra']));
  });
  it('keeps NICE_ROOT on EFS and the pcluster block on this node’s cluster', () => {
    const spec = portalSpec({
      enginframe: { version: '2021.0-r1667', niceRoot: '/opt/nice' },
      pcluster: { version: '3.13.0', clusterName: 'cluster2', configYaml: 'Region: cn-north-1\n' },
    });
    expect(errorOf(() => renderPortalBootstrapEnv(spec)).problems.map((p) => p.path)).toEqual(['/pcluster/clusterName', '/enginframe/niceRoot']);
  });
  it('pcluster: 3.x takes configYaml, 2.10/2.11 configIni, nothing else', () => {
    const paths = (pcluster: NonNullable<Parameters<typeof portalSpec>[0]>['pcluster']) =>
      errorOf(() => renderPortalBootstrapEnv(portalSpec({ pcluster }))).problems.map((p) => `${p.path}: ${p.message}`);
    expect(paths({ version: '2.11.9', clusterName: 'cluster1', configYaml: 'Region: cn-north-1\n' })).toEqual([
      '/pcluster/configIni: is required for version 2.11.9 (ParallelCluster 2.x reads an INI file), unless configObject gives it',
      '/pcluster/configYaml: does not apply to version 2.11.9 (ParallelCluster 2.x reads an INI file; give configIni)',
    ]);
    expect(paths({ version: '3.16.3', clusterName: 'cluster1', configIni: '[aws]\n' })).toEqual([
      '/pcluster/configYaml: is required for version 3.16.3 (ParallelCluster 3.x reads a YAML file), unless configObject gives it',
      '/pcluster/configIni: does not apply to version 3.16.3 (ParallelCluster 3.x reads a YAML file; give configYaml)',
    ]);
    expect(paths({ version: '2.9.1', clusterName: 'cluster1', configIni: '[aws]\n' }).map((p) => p.split(':')[0])).toEqual(['/pcluster/version']);
    const configObject = { uri: 's3://bucket/cluster1.yaml', sha256: 'a'.repeat(64), placeholders: { '<EfsFileSystemId>': 'fs-0123456789abcdef0' } };
    expect(renderPortalBootstrapEnv(portalSpec({ pcluster: { version: '3.16.3', clusterName: 'cluster1', configObject } }))).toContain(
      'readonly HPC_HA_PCLUSTER_CONFIG_VALUES="<EfsFileSystemId>\tfs-0123456789abcdef0"',
    );
    expect(paths({ version: '3.16.3', clusterName: 'cluster1', configYaml: 'Region: cn-north-1\n', configObject })).toEqual([
      '/pcluster/configObject: give the config once: configYaml or configObject',
    ]);
    expect(paths({ version: '3.16.3', clusterName: 'cluster1', configObject: { ...configObject, sha256: 'abc' } }).map((p) => p.split(':')[0])).toEqual(['/pcluster/configObject/sha256']);
    const env = renderPortalBootstrapEnv(portalSpec({ pcluster: { version: '2.10.4', clusterName: 'cluster1', configIni: '[aws]\naws_region_name = cn-north-1\n' } }));
    expect(env).toContain('readonly HPC_HA_PCLUSTER_CONFIG="[aws]\naws_region_name = cn-north-1\n"');
    expect(env).toMatch(/HPC_HA_PACKAGES="[^"]* python3"\n/);
  });
  it('efinstall: unknown release line needs explicit intro-targets; ports must differ', () => {
    const error = errorOf(() => renderEfinstallConfig(efinstallSpec({ version: '2030.1-r1', ports: { https: 8443, shutdown: 8443, agentRmi: 9999, agentRmiBind: 9998 } })));
    expect(error.problems.map((p) => p.path)).toEqual(['/introTargets', '/ports/https', '/ports/shutdown']);
    expect(renderEfinstallConfig(efinstallSpec({ version: '2030.1-r1', introTargets: ['component_enginframe'] }))).toContain('intro-targets = component_enginframe,\n');
  });
  it('efinstall: a database password is not a spec field', () => {
    const spec = { ...efinstallSpec(), database: { ...efinstallSpec().database, password: 'x' } } as never;
    expect(errorOf(() => renderEfinstallConfig(spec)).problems).toEqual([{ path: '/database/password', message: 'is not a known property' }]);
  });
});

describe('ef.slurm.conf', () => {
  it('configures N clusters and never SLURM_CLUSTER_LABEL', () => {
    const text = renderEfSlurmConf({
      binDir: '/opt/slurm/bin',
      clusters: [1, 2, 3].map((n) => ({ id: `C${n}`, conf: `/etc/hpc-ha/slurm/c${n}/slurm.conf` })),
    });
    expect(text).toContain('SLURM_CLUSTER_IDS="C1,C2,C3"\n');
    expect(text).toContain('SLURM_CLUSTER_C3_CONF="/etc/hpc-ha/slurm/c3/slurm.conf"\n');
    expect(text).toContain('SLURM_CLUSTER_C2_LABEL="C2"\n');
    expect(text).not.toMatch(/^SLURM_CLUSTER_LABEL=/m);
  });
  it('rejects duplicate ids, relative conf paths and bad ids together', () => {
    const error = errorOf(() =>
      renderEfSlurmConf({ binDir: '/opt/slurm/bin', clusters: [{ id: 'A', conf: 'relative.conf' }, { id: 'A-1', conf: '/x' }] }),
    );
    expect(error.problems.map((p) => p.path).sort()).toEqual(['/clusters/0/conf', '/clusters/1/id']);
    expect(errorOf(() => renderEfSlurmConf({ binDir: '/b', clusters: [{ id: 'A', conf: '/x' }, { id: 'A', conf: '/y' }] })).problems).toEqual([
      { path: '/clusters/1/id', message: 'duplicates cluster id A' },
    ]);
  });
});

describe('partition-correct sources', () => {
  it('no literal global-partition ARN or endpoint suffix in src (non-test) files', () => {
    const root = new URL('../src/', import.meta.url).pathname;
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
    for (const file of walk(root).filter((f) => !f.endsWith('.test.ts') && !f.includes('__fixtures__'))) {
      const text = readFileSync(file, 'utf8');
      expect(text.includes('arn:aws:'), `${file} contains arn:aws:`).toBe(false);
      expect(text.includes('amazonaws.com'), `${file} contains amazonaws.com`).toBe(false);
    }
  });
});
