import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkNodeSpec,
  composePortalProgram,
  NODE_STEPS,
  NODE_STEPS_MARKER,
  nodeStepVariables,
  portalBootBudgetMinutes,
  toShellAssignments,
  type PortalNodeSpec,
} from '../src/index.js';

const inCi = process.env['CI'] === 'true';
const haveShellcheck = spawnSync('shellcheck', ['--version']).status === 0;
if (inCi && !haveShellcheck) throw new Error('CI=true but shellcheck is not installed');

const spec: PortalNodeSpec = {
  region: 'cn-northwest-1',
  partition: 'aws-cn',
  urlSuffix: 'amazonaws.com.cn',
  nodeIndex: 2,
  efs: { fileSystemId: 'fs-0123456789abcdef0' },
  fsx: [
    { fileSystemId: 'fs-0aaaaaaaaaaaaaaa1', dnsName: 'fsx1.example.cn', mountName: 'abcdefgh', mountDir: '/fsx_cluster1', cluster: 'cluster1' },
    { fileSystemId: 'fs-0bbbbbbbbbbbbbbb2', dnsName: 'fsx2.example.cn', mountName: 'ijklmnop', mountDir: '/fsx_cluster2', cluster: 'cluster2' },
  ],
  clusters: [{ name: 'cluster1' }, { name: 'cluster2' }],
  ownCluster: 'cluster2',
  mungeKeySecretArn: 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:munge-AbCdEf',
};
const options = { defaultLogFile: '/var/log/x.log', defaultPackages: ['jq'], imdsAllowedUsers: [], waitForOwnCluster: false };
const vars = (s: PortalNodeSpec = spec): Map<string, string> =>
  new Map(nodeStepVariables(s, options).filter((l): l is readonly [string, string] => Array.isArray(l)) as [string, string][]);

describe('the node steps library', () => {
  it('is embedded byte for byte from node-steps.sh (node scripts/embed-steps.mjs regenerates it)', () => {
    expect(NODE_STEPS).toBe(readFileSync(new URL('../src/node-steps.sh', import.meta.url), 'utf8'));
  });

  it.skipIf(!haveShellcheck)('is shellcheck-clean inside a minimal host program', () => {
    const host = [
      '#!/usr/bin/env bash',
      // Settings only the portals' own steps read (the portals' rendered programs are checked without this).
      '# shellcheck disable=SC2034',
      toShellAssignments(nodeStepVariables(spec, options), { readonly: true }),
      'set -Eeuo pipefail',
      'readonly NODE_TAG=t NODE_TITLE=t NODE_SETTINGS=t.env NODE_PROGRAM=t',
      NODE_STEPS_MARKER,
      'portal_cluster_synced() { :; }',
      'portal_boot() { discover_instance; mount_filesystems; install_munge; configure_directory; wait_for_own_cluster; sync_clusters; wait_for_https https://localhost/ t t; install_resync_timer; resync_node; reapply_imds_rules; retry_optional_mounts; fetch s3://b/k /tmp/k; secret_value arn k; }',
      'node_main',
      '',
    ].join('\n');
    const run = spawnSync('shellcheck', ['--shell=bash', '-'], { input: composePortalProgram(host), encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('never passes a credential to curl as an argument: the metadata token and URLs go through --config on stdin', () => {
    expect(NODE_STEPS).not.toMatch(/-H "X-aws-ec2-metadata-token: \$/);
    expect(NODE_STEPS).toMatch(/printf 'header = "X-aws-ec2-metadata-token: %s"\\n' "\$token" \|\n\s+curl_with_config/);
    expect(NODE_STEPS).toMatch(/printf 'url = "%s"\\n' "\$uri" \| curl_with_config/);
  });

  it('composes a program only around exactly one marker line', () => {
    expect(() => composePortalProgram('main() { :; }\n')).toThrow(/exactly once/);
    expect(() => composePortalProgram(`${NODE_STEPS_MARKER}\n${NODE_STEPS_MARKER}\n`)).toThrow(/exactly once/);
    expect(composePortalProgram(`a\n${NODE_STEPS_MARKER}\nb\n`)).toMatch(/^a\n# shellcheck shell=bash\n[\s\S]*hpc_ha_configure_sssd\(\) \{[\s\S]*\nb\n$/);
  });
});

describe('nodeStepVariables', () => {
  it('marks only this node’s FSx as required; the other AZ’s is optional (automounted, nofail)', () => {
    expect(vars().get('HPC_HA_FSX_MOUNTS')).toBe(
      'fs-0aaaaaaaaaaaaaaa1 fsx1.example.cn abcdefgh /fsx_cluster1 optional\nfs-0bbbbbbbbbbbbbbb2 fsx2.example.cn ijklmnop /fsx_cluster2 required',
    );
    expect(vars().get('HPC_HA_FSX_IDLE_TIMEOUT')).toBe('120');
    expect(vars().get('HPC_HA_WAIT_FOR_OWN_CLUSTER')).toBe('no');
    expect(vars().get('HPC_HA_IMDS_ALLOWED_USERS')).toBe('');
  });
});

describe('checkNodeSpec', () => {
  it('names every problem with its path', () => {
    const bad: PortalNodeSpec = {
      ...spec,
      ownCluster: 'cluster9',
      clusters: [{ name: 'cluster1' }, { name: 'cluster1' }],
      fsx: [{ ...spec.fsx[0]!, mountDir: '/efs' }],
    };
    expect(checkNodeSpec(bad)).toEqual([
      { path: '/clusters/1/name', message: 'duplicates cluster cluster1' },
      { path: '/ownCluster', message: 'is not one of the clusters (cluster1, cluster1)' },
      { path: '/fsx/0/mountDir', message: '/efs is mounted twice' },
      { path: '/fsx', message: "has no file system of this node's own cluster cluster9" },
    ]);
  });
});

describe('portalBootBudgetMinutes', () => {
  it('sums the bounded waits of each portal’s boot, plus a margin', () => {
    expect(portalBootBudgetMinutes({ portalKind: 'openondemand', provisioner: 'cloudformation' })).toBe(71);
    expect(portalBootBudgetMinutes({ portalKind: 'enginframe', provisioner: 'cloudformation' })).toBe(91);
    expect(portalBootBudgetMinutes({ portalKind: 'enginframe', provisioner: 'instance' })).toBe(166);
  });

  it('follows the waits a deployment lengthens, and has no cluster term unless the node creates its cluster', () => {
    const base = portalBootBudgetMinutes({ portalKind: 'enginframe', provisioner: 'cloudformation' });
    expect(portalBootBudgetMinutes({ portalKind: 'enginframe', provisioner: 'cloudformation', timeouts: { databaseSeconds: 1800 } })).toBe(base + 15);
    expect(portalBootBudgetMinutes({ portalKind: 'enginframe', provisioner: 'cloudformation', timeouts: { clusterPublicationSeconds: 7200 } })).toBe(base);
    expect(() => portalBootBudgetMinutes({ portalKind: 'openondemand', provisioner: 'instance' })).toThrow(/only to the EnginFrame portal/);
  });
});
