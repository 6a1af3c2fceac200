/**
 * Issue 25 end to end through the real app, `provisioner: instance`: each cluster's config is an S3 object (user data
 * stays the same size up to ParallelCluster's 50 queues / 50 compute resources), carries its own Iam.ResourcePrefix,
 * and the operator policy allows exactly the roles ParallelCluster builds from that prefix; head-node SSH is open to
 * the VPC only.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterIamResources } from '@hpc-ha/pcluster-config';
import { clustersTemplateBytes, portalUserDataBytes, TEMPLATE_LIMIT_BYTES, USER_DATA_LIMIT_BYTES } from '../src/artifacts/index.js';
import { clusterPlans } from '../src/config/index.js';
import { synthesize, variantConfig, type Synthesized } from './support/synth.js';

const queues = (n: number, crs = 1) =>
  Array.from({ length: n }, (_, i) => ({
    name: `q${i}`,
    computeResources: Array.from({ length: crs }, (_, j) => ({ name: `c${i}-${j}`, instanceType: 'c5.4xlarge', maxCount: 10 })),
  }));
const instance = (q: ReturnType<typeof queues>, extra: Record<string, unknown> = {}) =>
  variantConfig('cn-northwest-1', { 'clusters.provisioner': 'instance', 'clusters.queues': q, 'clusters.overrides': {}, ...extra });

/** The staged asset (cdk.out/asset.<hash>.yaml) whose text contains `marker`. */
function findAsset(dir: string, marker: string): string | undefined {
  return readdirSync(dir)
    .filter((f) => f.startsWith('asset.') && f.endsWith('.yaml'))
    .map((f) => join(dir, f))
    .find((f) => statSync(f).isFile() && readFileSync(f, 'utf8').includes(marker));
}

describe('user data does not grow with the queues', () => {
  it("is the same size for 1 queue, ParallelCluster's 50 queues, and 50 compute resources in one queue, far below 16 KB", () => {
    const one = portalUserDataBytes(instance(queues(1)));
    expect(portalUserDataBytes(instance(queues(50)))).toEqual(one);
    expect(portalUserDataBytes(instance(queues(1, 50)))).toEqual(one);
    for (const bytes of one) expect(bytes).toBeLessThan(USER_DATA_LIMIT_BYTES * 0.8);
  });
});

describe('synthesized, provisioner: instance with 50 queues', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize(instance(queues(50)));
  }, 240_000);
  afterAll(() => s && rmSync(s.outdir, { recursive: true, force: true }));

  it('ships each cluster config as an S3 object the node role can read, and keeps it out of user data', () => {
    const ef = s.templates['EnginFrame']!;
    const userData = JSON.stringify(Object.values(ef.Resources).filter((r) => r.Type === 'AWS::EC2::LaunchTemplate'));
    expect(userData).not.toContain('SlurmQueues');
    expect(userData).toContain('HPC_HA_PCLUSTER_CONFIG_SHA256');
    const [plan1] = clusterPlans(s.config);
    const file = findAsset(s.outdir, 'SubnetId: <PrivateSubnetId1>');
    expect(file, "cluster1's config asset in cdk.out").toBeDefined();
    const config = parse(readFileSync(file!, 'utf8'));
    expect(config.Scheduling.SlurmQueues).toHaveLength(50);
    expect(config.HeadNode.Networking.SubnetId).toBe('<PrivateSubnetId1>');
    expect(config.Iam).toEqual({ ResourcePrefix: `/hpc-ha/cn-northwest-1/${plan1.name}/` });
    // SSH to the head node from the VPC only, password logins off.
    expect(config.HeadNode.Ssh.AllowedIps).toBe(s.config.network.vpcCidr);
    const policies = JSON.stringify(Object.values(ef.Resources).filter((r) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toMatch(/s3:GetObject/);
  });

  it("refuses rotation of the EnginFrame database user's secret in its resource policy", () => {
    const db = s.templates['AuroraServerless']!;
    const policies = Object.values(db.Resources).filter((r) => r.Type === 'AWS::SecretsManager::ResourcePolicy');
    expect(policies).toHaveLength(1);
    const statement = policies[0]!.Properties.ResourcePolicy.Statement[0];
    expect(statement).toMatchObject({ Effect: 'Deny', Action: 'secretsmanager:RotateSecret', Principal: { AWS: '*' } });
    expect(statement.Sid).toMatch(/RotationRefused/);
    const secret = policies[0]!.Properties.SecretId.Ref as string;
    expect(db.Resources[secret]!.Properties.Description).toMatch(/EnginFrame database user/);
  });

  it("allows exactly the IAM roles ParallelCluster builds from each cluster's prefix", () => {
    const ef = s.templates['EnginFrame']!;
    const statements = Object.values(ef.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as { Sid: string; Resource: unknown }[]);
    const tail = (r: unknown) => (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].at(-1) as string;
    const roles = statements.find((st) => st.Sid === 'IamRole')!.Resource as unknown[];
    const profiles = statements.find((st) => st.Sid === 'IamInstanceProfile')!.Resource as unknown[];
    const plans = clusterPlans(s.config);
    expect(roles.map(tail)).toEqual(plans.map((p) => `:${clusterIamResources(p.name, `/hpc-ha/cn-northwest-1/${p.name}/`).lambdaRoles}`));
    expect(profiles.map(tail)).toEqual(plans.map((p) => `:${clusterIamResources(p.name, `/hpc-ha/cn-northwest-1/${p.name}/`).instanceProfiles}`));
  });
});

describe('head-node SSH source', () => {
  it('defaults to the VPC CIDR; 0.0.0.0/0 only when written, with a warning', async () => {
    const { renderClusterConfig } = await import('@hpc-ha/pcluster-config');
    const { clusterSpec, placeholderValues } = await import('../src/artifacts/index.js');
    const cfg = instance(queues(1), { 'network.vpcCidr': '10.20.0.0/16' });
    const plan = clusterPlans(cfg)[0];
    const rendered = renderClusterConfig(clusterSpec(cfg, plan, placeholderValues(cfg))).config as { HeadNode: { Ssh: { AllowedIps: string } } };
    expect(rendered.HeadNode.Ssh.AllowedIps).toBe('10.20.0.0/16');
    const open = instance(queues(1), { 'clusters.headNode.sshAllowedCidr': '0.0.0.0/0' });
    expect((renderClusterConfig(clusterSpec(open, plan, placeholderValues(open))).config as typeof rendered).HeadNode.Ssh.AllowedIps).toBe('0.0.0.0/0');
    expect(() => instance(queues(1), { 'clusters.headNode.sshAllowedCidr': '10.0.0.1/16' })).toThrow(/sshAllowedCidr.*host bits/s);
  });
});

describe('template size estimate (what validate checks offline)', () => {
  it('is at least the synthesized Clusters template at 50 queues, and within the 1 MB limit', () => {
    const config = variantConfig('cn-north-1', { 'clusters.queues': queues(50), 'clusters.overrides': {} });
    const s = synthesize(config);
    try {
      const actual = Buffer.byteLength(JSON.stringify(s.templates['Clusters']));
      expect(clustersTemplateBytes(config)).toBeGreaterThanOrEqual(actual);
      expect(clustersTemplateBytes(config)).toBeLessThan(TEMPLATE_LIMIT_BYTES);
    } finally {
      rmSync(s.outdir, { recursive: true, force: true });
    }
  }, 240_000);
});
