/**
 * Slurm accounting (`accounting.enabled`): Aurora for every portal kind, one database, user and password secret per
 * cluster, the head nodes (and nothing else that does not need it) on 3306, and the clusters' SlurmSettings.Database.
 * Synthesized through cdk-nag and aws-cdk-lib's CloudFormation validator, then cfn-lint for the three regions.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { validateClusterConfig } from '@hpc-ha/pcluster-config';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderValues, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { createsDatabase, type DeploymentConfig } from '../src/config/index.js';
import { HpcSecurityGroups } from '../src/constructs/security-groups.js';
import { CFN_LINT_AVAILABLE, PACKAGE_ROOT, RUN_CFN_LINT, resourcesOfType, synthesize, variantConfig, type Synthesized } from './support/synth.js';

let ondemand: Synthesized;
let enginframe: Synthesized;
let instanceMode: Synthesized;

beforeAll(() => {
  ondemand = synthesize(variantConfig('cn-north-1-ondemand', { 'accounting.enabled': true }));
  enginframe = synthesize(variantConfig('us-east-1', { 'accounting.enabled': true }));
  // The cn-northwest-1 example creates its clusters from the portal nodes (provisioner: instance).
  instanceMode = synthesize(variantConfig('cn-northwest-1', { 'accounting.enabled': true }));
}, 360_000);

afterAll(() => {
  for (const s of [ondemand, enginframe, instanceMode]) if (s) rmSync(s.outdir, { recursive: true, force: true });
});

/** Which groups may open 3306 on the database group, by construct id. */
function databaseClients(opts: { accounting: boolean; portalUsesDatabase: boolean }): string[] {
  const stack = new Stack(new App(), 'Net', { env: { region: 'cn-north-1' } });
  const sgs = new HpcSecurityGroups(stack, 'Groups', { vpc: new Vpc(stack, 'Vpc'), allowedCidrs: ['10.0.0.0/8'], httpRedirect: false, ...opts });
  const groups = [sgs.portal, sgs.cluster, sgs.efs, sgs.fsx, sgs.loadBalancer, sgs.database, sgs.databaseBootstrap, ...(sgs.headNodeDatabaseClient ? [sgs.headNodeDatabaseClient] : [])];
  const name = new Map(groups.map((g) => [stack.resolve((g.node.defaultChild as unknown as { logicalId: string }).logicalId) as string, g.node.id]));
  return Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => r['Properties'] as { GroupId: { 'Fn::GetAtt': [string] }; SourceSecurityGroupId: { 'Fn::GetAtt': [string] }; FromPort: number; ToPort: number })
    .filter((p) => name.get(p.GroupId['Fn::GetAtt'][0]) === 'Database')
    .map((p) => `${name.get(p.SourceSecurityGroupId['Fn::GetAtt'][0])} tcp:${p.FromPort}-${p.ToPort}`)
    .sort();
}

describe('who reaches Aurora on 3306', () => {
  it('with accounting: the head nodes\' own group, never the group compute nodes carry', () => {
    expect(databaseClients({ accounting: true, portalUsesDatabase: false })).toEqual(['DatabaseBootstrap tcp:3306-3306', 'HeadNodeDatabaseClient tcp:3306-3306']);
    expect(databaseClients({ accounting: true, portalUsesDatabase: true })).toEqual([
      'DatabaseBootstrap tcp:3306-3306', 'HeadNodeDatabaseClient tcp:3306-3306', 'Portal tcp:3306-3306',
    ]);
  });

  it('without accounting: no head-node group; the Open OnDemand portal does not reach it either', () => {
    expect(databaseClients({ accounting: false, portalUsesDatabase: false })).toEqual(['DatabaseBootstrap tcp:3306-3306']);
  });

  it('the synthesized clusters: head nodes carry the database-client group, compute queues do not', () => {
    const [, resource] = resourcesOfType(ondemand.templates['Clusters']!, 'Custom::PclusterCluster')[0]!;
    const config = resource.Properties.ClusterConfiguration;
    const headGroups = JSON.stringify(config.HeadNode.Networking.AdditionalSecurityGroups);
    expect(headGroups).toMatch(/HeadNodeDatabaseClient/);
    for (const q of config.Scheduling.SlurmQueues) expect(JSON.stringify(q.Networking.AdditionalSecurityGroups)).not.toMatch(/HeadNodeDatabaseClient/);
  });
});

describe('createsDatabase: one rule for the app, the plan and the cost estimate', () => {
  it.each([
    ['enginframe', false, true],
    ['enginframe', true, true],
    ['openondemand', false, false],
    ['openondemand', true, true],
  ] as const)('portal %s, accounting %s → %s', (kind, enabled, expected) => {
    expect(createsDatabase({ portal: { kind }, accounting: { enabled } })).toBe(expected);
  });

  it('Open OnDemand with accounting has the AuroraServerless stack at the smallest Serverless v2 capacity, and no EnginFrame database', () => {
    expect(Object.keys(ondemand.templates)).toContain('AuroraServerless');
    const t = Template.fromJSON(ondemand.templates['AuroraServerless']!);
    t.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5 } });
    t.resourceCountIs('AWS::RDS::DBInstance', 2);
    t.resourceCountIs('Custom::EnginFrameDatabase', 0);
    t.resourceCountIs('Custom::SlurmAccountingDatabase', 2);
  });
});

describe.each([
  ['Open OnDemand, cn-north-1', () => ondemand],
  ['EnginFrame, us-east-1', () => enginframe],
])('%s: per-cluster accounting databases', (_name, synth) => {
  it('one plain-text password secret and one Custom::SlurmAccountingDatabase per cluster, names unique to the cluster', () => {
    const s = synth();
    const db = s.templates['AuroraServerless']!;
    const resources = resourcesOfType(db, 'Custom::SlurmAccountingDatabase').map(([, r]) => r.Properties);
    expect(resources.map((p) => [p.DatabaseName, p.UserName])).toEqual([
      [`${s.config.name.replace(/-/g, '_')}_cluster1`, 'slurm_cluster1'],
      [`${s.config.name.replace(/-/g, '_')}_cluster2`, 'slurm_cluster2'],
    ]);
    const secretIds = resources.map((p) => p.PasswordSecretArn.Ref);
    expect(new Set(secretIds).size).toBe(2);
    for (const id of secretIds) {
      const secret = db.Resources[id]!.Properties;
      // ParallelCluster reads the SecretString as the password: generated, no JSON template around it.
      expect(secret.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 32 });
      expect(secret.SecretString).toBeUndefined();
    }
  });

  it('each cluster config names its own database, user and secret, and the Aurora endpoint on 3306', () => {
    const s = synth();
    expect(s.config.clusters.provisioner).toBe('cloudformation');
    const clusters = resourcesOfType(s.templates['Clusters']!, 'Custom::PclusterCluster').map(([, r]) => r.Properties.ClusterConfiguration.Scheduling.SlurmSettings.Database);
    expect(clusters.map((d) => d.UserName)).toEqual(['slurm_cluster1', 'slurm_cluster2']);
    expect(JSON.stringify(clusters[0].Uri)).toMatch(/:3306/);
    expect(JSON.stringify(clusters[0].PasswordSecretArn)).not.toEqual(JSON.stringify(clusters[1].PasswordSecretArn));
    expect(JSON.stringify(clusters[0].DatabaseName)).not.toEqual(JSON.stringify(clusters[1].DatabaseName));
    expect(clusters.map((d) => d.DatabaseName)).toEqual([`${s.config.name.replace(/-/g, '_')}_cluster1`, `${s.config.name.replace(/-/g, '_')}_cluster2`]);
    // The endpoint and secret come from the database stack, so the clusters are created after their databases.
    expect(JSON.stringify(clusters[0].PasswordSecretArn)).toMatch(/Fn::ImportValue.*AuroraServerless/);
  });
});

describe('provisioner: instance with accounting', () => {
  it('the portal nodes (which run pcluster) may describe, not read, the two slurmdbd password secrets; the configs they create name them', () => {
    const t = instanceMode.templates['EnginFrame']!;
    const statements = resourcesOfType(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Sid?: string; Action: unknown; Resource: unknown }[]);
    const describe = statements.find((st) => st.Sid === 'DescribeAccountingSecrets')!;
    expect(describe.Action).toBe('secretsmanager:DescribeSecret');
    expect(JSON.stringify(describe.Resource)).toMatch(/AuroraServerless.*Cluster1Password.*AuroraServerless.*Cluster2Password/s);
    const reads = statements.filter((st) => st.Sid === 'ReadSecrets').map((st) => JSON.stringify(st.Resource)).join('');
    expect(reads).not.toMatch(/Cluster[12]Password/);
    // The cluster configs the nodes give pcluster ship as S3 assets (user data stays small): they name the users.
    const configs = readdirSync(instanceMode.outdir)
      .filter((f) => f.startsWith('asset.') && f.endsWith('.yaml'))
      .map((f) => readFileSync(join(instanceMode.outdir, f), 'utf8'));
    expect(configs.filter((c) => /UserName: slurm_cluster1\b/.test(c))).toHaveLength(1);
    expect(configs.filter((c) => /UserName: slurm_cluster2\b/.test(c))).toHaveLength(1);
  });
});

describe('hpc-ha render with accounting', () => {
  it.each([
    ['cn-north-1', () => variantConfig('cn-north-1', { 'accounting.enabled': true })],
    ['cn-north-1 Open OnDemand', () => variantConfig('cn-north-1-ondemand', { 'accounting.enabled': true })],
  ] as [string, () => DeploymentConfig][])('%s: both cluster configs pass the ParallelCluster validator with their Database', (_name, load) => {
    const config = load();
    const files = renderDeploymentArtifacts(config, placeholderValues(config)).filter((f) => /^clusters\/cluster[12]\.yaml$/.test(f.path));
    expect(files).toHaveLength(2);
    for (const [i, f] of files.entries()) {
      const parsed = parse(f.content) as { Scheduling: { SlurmSettings: { Database: Record<string, string> } } };
      const id = `cluster${i + 1}`;
      expect(parsed.Scheduling.SlurmSettings.Database).toEqual({
        Uri: '<DatabaseEndpoint>:3306',
        UserName: `slurm_${id}`,
        PasswordSecretArn: `<SlurmDbPasswordSecretArn${i + 1}>`,
        DatabaseName: `${config.name.replace(/-/g, '_')}_${id}`,
      });
      const result = validateClusterConfig(parsed, { clusterName: `${config.name}-${id}`, parallelclusterVersion: config.clusters.parallelclusterVersion });
      expect(result.issues.filter((x) => x.severity === 'error')).toEqual([]);
    }
  });

  it('ParallelCluster 2.x cannot have accounting: validate names the field', () => {
    expect(() => variantConfig('cn-northwest-1', { 'clusters.parallelclusterVersion': '2.11.9', 'clusters.os': 'alinux2', 'accounting.enabled': true })).toThrow(
      /accounting\.enabled.*Slurm accounting needs ParallelCluster 3/s,
    );
  });
});

describe('cfn-lint over the accounting variants', () => {
  it.runIf(RUN_CFN_LINT)('reports no error in cn-north-1, cn-northwest-1 and us-east-1, and only the accepted warnings', () => {
    expect(CFN_LINT_AVAILABLE, 'cfn-lint must be installed in CI').toBe(true);
    const accepted = new Set(
      readFileSync(join(PACKAGE_ROOT, 'cfn-lint-ignore.yaml'), 'utf8')
        .split('\n')
        .map((l) => /^(W\d{4}):/.exec(l)?.[1])
        .filter((r): r is string => !!r),
    );
    const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...ondemand.templateFiles, ...enginframe.templateFiles], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(run.error).toBeUndefined();
    const findings = run.stdout.split('\n').filter(Boolean).map((line) => ({ line, rule: line.split(':')[5] ?? '' }));
    expect(findings.filter((f) => !accepted.has(f.rule)).map((f) => f.line)).toEqual([]);
    expect([0, 4]).toContain(run.status);
  }, 180_000);
});
