/** Configs beyond the examples: legacy ParallelCluster 2.x, and the other provisioner / certificate choices. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { placeholderValues, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { resourcesOfType, synthesize, variantConfig, type Synthesized } from './support/synth.js';
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
    expect(Object.keys(legacy.templates).sort()).toEqual(['ALB', 'AuroraServerless', 'EFS', 'EnginFrame', 'FSX', 'VPC']);
    Template.fromJSON(legacy.templates['EnginFrame']!).hasResourceProperties('Custom::ClusterTeardown', { ParallelClusterVersion: '2.10.3' });
  });

  it('renders the clusters as 2.x INI files and warns that the portal does not create 2.x clusters', () => {
    const files = renderDeploymentArtifacts(legacy.config, placeholderValues(legacy.config));
    const ini = files.find((f) => f.path === 'clusters/cluster1.ini');
    expect(ini?.content).toMatch(/^\[cluster hpcha-nx-cluster1\]$/m);
    expect(ini?.content).toMatch(/^base_os = alinux2$/m);
    expect(ini?.content).toMatch(/^fsx_settings = fsx$/m);
    expect(files.some((f) => f.path.endsWith('.yaml'))).toBe(false);
    const manifest = readFileSync(join(legacy.outdir, 'EnginFrame.metadata.json'), 'utf8');
    expect(manifest).toContain('create both clusters with `pcluster create -c`');
  });

  it('passes cfn-lint for China and us-east-1 like the examples', () => {
    const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...legacy.templateFiles], { encoding: 'utf8', timeout: 120_000 });
    if (run.error && process.env['CI'] !== 'true') return; // cfn-lint missing outside CI: examples.test.ts says so
    expect(run.stdout.split('\n').filter((l) => l.split(':')[5]?.startsWith('E'))).toEqual([]);
  });
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
  });

  it('runs Aurora on provisioned instances of the configured class', () => {
    Template.fromJSON(cloudformationWithCertificate.templates['AuroraServerless']!).hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.r6g.large',
      AvailabilityZone: Match.stringLikeRegexp('^cn-northwest-1'),
    });
  });
});
