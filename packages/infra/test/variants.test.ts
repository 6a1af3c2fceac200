/** Configs beyond the examples: legacy ParallelCluster 2.x, and the other provisioner / certificate choices. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { placeholderValues, renderDeploymentArtifacts, staticArtifacts } from '../src/artifacts/index.js';
import { ClusterScripts } from '../src/constructs/cluster-scripts.js';
import {
  CFN_LINT_AVAILABLE,
  RUN_CFN_LINT,
  referencedResource,
  resourceAt,
  resourcesOfType,
  synthesize,
  variantConfig,
  type Synthesized,
} from './support/synth.js';
import { expectOneSharedMungeKey } from './support/munge-key.js';

let legacy: Synthesized;
let cloudformationWithCertificate: Synthesized;
const CERT = 'arn:aws-cn:acm:cn-northwest-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

beforeAll(() => {
  legacy = synthesize(
    variantConfig('cn-northwest-1', {
      'clusters.parallelclusterVersion': '2.10.3',
      'clusters.os': 'alinux2',
      'clusters.provisioner': 'instance',
      'portal.keyName': 'hpc-admins',
    }),
  );
  cloudformationWithCertificate = synthesize(
    variantConfig('cn-northwest-1', { 'clusters.provisioner': 'cloudformation', 'loadBalancer.certificateArn': CERT }),
  );
});

afterAll(() => {
  for (const s of [legacy, cloudformationWithCertificate]) if (s) rmSync(s.outdir, { recursive: true, force: true });
});

describe('parallelclusterVersion 2.10.3 with provisioner instance', () => {
  it('synthesizes every stack except Clusters, through cdk-nag and the CloudFormation validator', () => {
    expect(Object.keys(legacy.templates).sort()).toEqual(['ALB', 'AuroraServerless', 'EFS', 'EnginFrame', 'FSX', 'Monitoring', 'VPC']);
    Template.fromJSON(legacy.templates['EnginFrame']!).hasResourceProperties('Custom::ClusterTeardown', { ParallelClusterVersion: '2.10.3' });
  });

  it('ships each cluster\'s post_install script as an asset the cluster nodes may read, and has the portal nodes create the clusters', () => {
    // The scripts and their read policy live in the VPC stack; the portal role (which runs pcluster) attaches it.
    Template.fromJSON(legacy.templates['VPC']!).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Path: '/parallelcluster/',
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Effect: 'Allow' })]) },
    });
    const t = Template.fromJSON(legacy.templates['EnginFrame']!);
    const [, role] = resourcesOfType(legacy.templates['EnginFrame']!, 'AWS::IAM::Role').find(([, r]) => r.Properties.Description === 'hpc-ha EnginFrame nodes')!;
    const attached = (role.Properties.ManagedPolicyArns as unknown[]).map((arn) => resourceAt(legacy, referencedResource(legacy, 'EnginFrame', arn)));
    expect(attached).toContainEqual(expect.objectContaining({ Type: 'AWS::IAM::ManagedPolicy', Properties: expect.objectContaining({ Path: '/parallelcluster/' }) }));
    const userData = JSON.stringify(t.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain(String.raw`HPC_HA_PCLUSTER_VERSION=\"2.10.3\"`);
    // The INI is an S3 object; user data carries its checksum and the deploy-time values for its placeholders.
    expect(userData).not.toContain('post_install_args = ');
    expect(userData).toMatch(/HPC_HA_PCLUSTER_CONFIG_SHA256=\\"[0-9a-f]{64}\\"/);
    expect(userData).toContain('<MungeKeySecretArn>');
  });

  it('renders the clusters as 2.x INI files, which the portal nodes create with the 2.x CLI', () => {
    const files = renderDeploymentArtifacts(legacy.config, placeholderValues(legacy.config));
    const ini = files.find((f) => f.path === 'clusters/cluster1.ini');
    expect(ini?.content).toMatch(/^\[cluster hpcha-nx-cluster1\]$/m);
    expect(ini?.content).toMatch(/^base_os = alinux2$/m);
    expect(ini?.content).toMatch(/^fsx_settings = fsx$/m);
    expect(files.some((f) => f.path.endsWith('.yaml'))).toBe(false);
    const manifest = readFileSync(join(legacy.outdir, 'EnginFrame.metadata.json'), 'utf8');
    expect(manifest).not.toContain('pcluster create -c');
    const userData = files.find((f) => f.path === 'portal/node1/user-data.sh')?.content ?? '';
    expect(userData).toContain('2.10.3');
  });

  it('lets the portal role run the 2.x CLI: stacks, roles and queues named parallelcluster-*', () => {
    const template = JSON.parse(readFileSync(join(legacy.outdir, 'EnginFrame.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: any }> };
    const statements = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement as { Sid?: string; Resource: unknown }[]);
    const sids = statements.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['LegacyCloudFormation', 'LegacySqs', 'LegacyIamRoles', 'LegacyIamInstanceProfiles']));
    const cfn = statements.find((s) => s.Sid === 'LegacyCloudFormation');
    expect(JSON.stringify(cfn?.Resource)).toContain(':stack/parallelcluster-*');
  });

  it.runIf(RUN_CFN_LINT)('passes cfn-lint for China and us-east-1 like the examples', () => {
    expect(CFN_LINT_AVAILABLE, 'cfn-lint must be installed in CI').toBe(true);
    const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...legacy.templateFiles], { encoding: 'utf8', timeout: 120_000 });
    expect(run.error).toBeUndefined();
    expect(run.stdout.split('\n').filter((l) => l.split(':')[5]?.startsWith('E'))).toEqual([]);
  }, 180_000);
});

describe('provisioner cloudformation with the user\'s certificate (cn-northwest-1, provisioned Aurora)', () => {
  it('creates both clusters as Custom::PclusterCluster and the munge key in the Clusters stack', () => {
    const t = Template.fromJSON(cloudformationWithCertificate.templates['Clusters']!);
    t.resourceCountIs('Custom::PclusterCluster', 2);
    expectOneSharedMungeKey(cloudformationWithCertificate);
    Template.fromJSON(cloudformationWithCertificate.templates['EnginFrame']!).resourceCountIs('Custom::ClusterTeardown', 0);
  });

  it('uses the certificate from the config and makes no self-signed one', () => {
    const t = Template.fromJSON(cloudformationWithCertificate.templates['ALB']!);
    t.resourceCountIs('Custom::SelfSignedCertificate', 0);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: CERT }] });
    expect(resourcesOfType(cloudformationWithCertificate.templates['ALB']!, 'AWS::Lambda::Function')).toEqual([]);
    // The operator's certificate is theirs to renew: no schedule, but its ARN is an output for `hpc-ha outputs`.
    t.resourceCountIs('AWS::Events::Rule', 0);
    t.hasOutput('CertificateArn', { Value: CERT });
  });

  it('runs Aurora on provisioned instances of the configured class', () => {
    Template.fromJSON(cloudformationWithCertificate.templates['AuroraServerless']!).hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.r6g.large',
      AvailabilityZone: Match.stringLikeRegexp('^cn-northwest-1'),
    });
  });
});

describe('ClusterScripts', () => {
  const legacyConfig = variantConfig('cn-northwest-1', { 'clusters.parallelclusterVersion': '2.11.9', 'clusters.os': 'alinux2', 'clusters.provisioner': 'instance' });
  const MUNGE = 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:hpc-ha/munge-AbCdEf';

  it('for 2.x: one post_install asset per cluster, named for head and compute nodes, and a node policy that reads it and the munge key', () => {
    const stack = new Stack(new App(), 'Scripts', { env: { region: 'cn-northwest-1' } });
    const scripts = new ClusterScripts(stack, 'ClusterScripts', { artifacts: staticArtifacts(legacyConfig), mungeKeySecretArn: MUNGE });
    expect(scripts.postInstall).toHaveLength(2);
    expect(scripts.headNode).toBeUndefined();
    expect(stack.resolve(scripts.headNodeScriptUris)).toEqual(stack.resolve(scripts.computeNodeScriptUris));
    expect(stack.resolve(scripts.headNodeScriptUris[0])).not.toEqual(stack.resolve(scripts.headNodeScriptUris[1]));
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy');
    expect(Object.values(policies).map((p) => (p as { Properties: { PolicyDocument: { Statement: { Resource: unknown[] }[] } } }).Properties.PolicyDocument.Statement[0]!.Resource.length)).toEqual([2]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Path: '/parallelcluster/',
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: 's3:GetObject', Effect: 'Allow' }),
          { Sid: 'ReadMungeKey', Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: MUNGE },
        ],
      },
    });
  });

  it('for 3.x: head and compute scripts, and no munge key statement (ParallelCluster grants that from MungeKeySecretArn)', () => {
    const stack = new Stack(new App(), 'Scripts', { env: { region: 'cn-northwest-1' } });
    const scripts = new ClusterScripts(stack, 'ClusterScripts', {
      artifacts: staticArtifacts(variantConfig('cn-northwest-1', {})),
      mungeKeySecretArn: MUNGE,
    });
    expect(scripts.postInstall).toBeUndefined();
    expect(scripts.headNode).toHaveLength(2);
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('secretsmanager:GetSecretValue');
  });
});
