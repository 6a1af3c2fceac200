/**
 * The three example deployments, each synthesized once (through cdk-nag and aws-cdk-lib's CloudFormation
 * validator) into a temp dir that every test in this file reads: HA invariants, partition, secrets, cfn-lint.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { placeholderValues, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { enginframePortal, loadDeploymentConfig } from '../src/config/index.js';
import {
  EXAMPLES,
  CFN_LINT_AVAILABLE,
  PACKAGE_ROOT,
  RUN_CFN_LINT,
  examplePath,
  referencedResource,
  resourcesOfType,
  subnetAz,
  synthesize,
  type CfnTemplate,
  type Example,
  type Synthesized,
} from './support/synth.js';
import { expectOneSharedMungeKey } from './support/munge-key.js';

const CANARY = 'Canary-Pw-7f3a9c1e5b';
const synths = {} as Record<Example, Synthesized>;
const planted = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'HPC_HA_EFADMIN_PASSWORD', 'EFADMIN_PASSWORD'] as const;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  // Secrets a careless app could pick up from its environment while synthesizing.
  for (const name of planted) {
    saved[name] = process.env[name];
    process.env[name] = `${CANARY}-${name}`;
  }
  try {
    for (const example of EXAMPLES) synths[example] = synthesize(loadDeploymentConfig(examplePath(example)));
  } finally {
    for (const name of planted) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
});

afterAll(() => {
  for (const s of Object.values(synths)) rmSync(s.outdir, { recursive: true, force: true });
});

const tpl = (e: Example, stack: string): CfnTemplate => {
  const t = synths[e].templates[stack];
  if (!t) throw new Error(`${e} has no ${stack} stack`);
  return t;
};

/** The one resource of a list (fails the test when there are more or none). */
function only<T>(list: [string, T][]): T {
  expect(list).toHaveLength(1);
  return list[0]![1];
}

function allTemplates(e: Example): [string, CfnTemplate][] {
  return Object.entries(synths[e].templates);
}

describe.each(EXAMPLES)('%s: stacks', (example) => {
  it('has the seed\'s stack ids, prefixed stack names, and Clusters only with provisioner cloudformation', () => {
    const { config } = synths[example];
    const expected = ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB', ...(config.clusters.provisioner === 'cloudformation' ? ['Clusters'] : []), 'EnginFrame', 'Monitoring'];
    expect(Object.keys(synths[example].templates).sort()).toEqual([...expected].sort());
    const manifest = JSON.parse(readFileSync(join(synths[example].outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string; properties?: { stackName?: string } }>;
    };
    for (const id of expected) {
      expect(manifest.artifacts[id]?.properties?.stackName).toBe(`${config.name}-${id}`);
      expect(manifest.artifacts[id]?.environment).toBe(`aws://unknown-account/${config.region}`);
    }
  });

  it('exports the outputs users look for', () => {
    const outputs = (stack: string) => Object.keys(tpl(example, stack).Outputs ?? {});
    expect(outputs('EnginFrame')).toContain('EnginFramePortalURL');
    expect(outputs('AuroraServerless')).toContain('DatabaseEndpoint');
    expect(outputs('EFS')).toContain('EfsFileSystemId');
    expect(outputs('FSX')).toEqual(expect.arrayContaining(['FsxFileSystemId1', 'FsxFileSystemId2']));
    const clusterStack = synths[example].config.clusters.provisioner === 'cloudformation' ? 'Clusters' : 'EnginFrame';
    expect(outputs(clusterStack)).toEqual(expect.arrayContaining(['Cluster1Name', 'Cluster2Name']));
  });
});

describe.each(EXAMPLES)('%s: HA invariant', (example) => {
  const azs = () => synths[example].config.network.availabilityZones;

  it('runs one EnginFrame node per AZ: two ASGs of exactly one instance, in different AZ subnets', () => {
    const groups = resourcesOfType(tpl(example, 'EnginFrame'), 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(2);
    const groupAzs = groups.map(([, g]) => {
      expect(g.Properties.MinSize).toBe('1');
      expect(g.Properties.MaxSize).toBe('1');
      expect(g.Properties.VPCZoneIdentifier).toHaveLength(1);
      return subnetAz(synths[example], 'EnginFrame', g.Properties.VPCZoneIdentifier[0]);
    });
    expect(groupAzs.sort()).toEqual([...azs()].sort());
  });

  it('spreads the load balancer over both AZs', () => {
    const lb = only(resourcesOfType(tpl(example, 'ALB'), 'AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(lb.Properties.Subnets).toHaveLength(2);
    expect(lb.Properties.Subnets.map((s: unknown) => subnetAz(synths[example], 'ALB', s)).sort()).toEqual([...azs()].sort());
  });

  it('puts the Aurora writer and reader in different AZs', () => {
    const instances = resourcesOfType(tpl(example, 'AuroraServerless'), 'AWS::RDS::DBInstance').map(([, r]) => r.Properties.AvailabilityZone);
    expect(instances.sort()).toEqual([...azs()].sort());
  });

  it('has EFS mount targets in both AZs', () => {
    const targets = resourcesOfType(tpl(example, 'EFS'), 'AWS::EFS::MountTarget');
    expect(targets.map(([, t]) => subnetAz(synths[example], 'EFS', t.Properties.SubnetId)).sort()).toEqual([...azs()].sort());
  });

  it('has one FSx for Lustre per AZ subnet', () => {
    const fsx = resourcesOfType(tpl(example, 'FSX'), 'AWS::FSx::FileSystem');
    expect(fsx).toHaveLength(2);
    const fsxAzs = fsx.map(([, f]) => {
      expect(f.Properties.SubnetIds).toHaveLength(1);
      return subnetAz(synths[example], 'FSX', f.Properties.SubnetIds[0]);
    });
    expect(fsxAzs.sort()).toEqual([...azs()].sort());
  });

  it('has a NAT gateway in each AZ', () => {
    const nats = resourcesOfType(tpl(example, 'VPC'), 'AWS::EC2::NatGateway');
    expect(nats.map(([, n]) => subnetAz(synths[example], 'VPC', n.Properties.SubnetId)).sort()).toEqual([...azs()].sort());
  });

  it('admits traffic only security group to security group, except loadBalancer.allowedCidrs on the ALB', () => {
    const s = synths[example];
    const lb = only(resourcesOfType(tpl(example, 'ALB'), 'AWS::ElasticLoadBalancingV2::LoadBalancer'));
    const albSg = referencedResource(s, 'ALB', lb.Properties.SecurityGroups[0]);
    const rules: { owner: string; rule: any }[] = [];
    for (const [stackId, t] of allTemplates(example)) {
      for (const [id, sg] of resourcesOfType(t, 'AWS::EC2::SecurityGroup')) {
        for (const rule of sg.Properties.SecurityGroupIngress ?? []) rules.push({ owner: `${stackId}/${id}`, rule });
      }
      for (const [, ingress] of resourcesOfType(t, 'AWS::EC2::SecurityGroupIngress')) {
        const owner = referencedResource(s, stackId, ingress.Properties.GroupId);
        rules.push({ owner: `${owner?.stackId}/${owner?.logicalId}`, rule: ingress.Properties });
      }
    }
    expect(rules.length).toBeGreaterThan(10);
    const cidrRules = rules.filter(({ rule }) => rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined);
    const { internetFacing, allowedCidrs } = s.config.loadBalancer;
    expect(cidrRules.map(({ owner }) => owner)).toEqual(cidrRules.map(() => `${albSg?.stackId}/${albSg?.logicalId}`));
    expect(cidrRules.map(({ rule }) => `${rule.CidrIp}:${rule.FromPort}`).sort()).toEqual(
      allowedCidrs.flatMap((c) => [`${c}:443`, ...(internetFacing ? [`${c}:80`] : [])]).sort(),
    );
    for (const { rule } of rules.filter((r) => !cidrRules.includes(r))) {
      expect(rule.SourceSecurityGroupId ?? rule.SourcePrefixListId).toBeDefined();
    }
    const keys = rules.map(({ owner, rule }) => JSON.stringify([owner, rule.IpProtocol, rule.FromPort, rule.ToPort, rule.SourceSecurityGroupId, rule.CidrIp]));
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe.each(EXAMPLES)('%s: tiers', (example) => {
  it('Aurora MySQL 3: encrypted, backed up, protected unless disposable, with the db-bootstrap resource', () => {
    const { config } = synths[example];
    const t = Template.fromJSON(tpl(example, 'AuroraServerless'));
    t.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Engine: 'aurora-mysql',
        EngineVersion: Match.stringLikeRegexp('^8\\.0\\.mysql_aurora\\.3\\.'),
        StorageEncrypted: true,
        BackupRetentionPeriod: config.database.backupRetentionDays,
        DeletionProtection: !config.disposable,
      }),
      DeletionPolicy: config.disposable ? 'Delete' : 'Snapshot',
    });
    const classes = resourcesOfType(tpl(example, 'AuroraServerless'), 'AWS::RDS::DBInstance').map(([, r]) => r.Properties.DBInstanceClass);
    expect(classes).toEqual(config.database.mode === 'serverless-v2' ? ['db.serverless', 'db.serverless'] : [config.database.instanceType, config.database.instanceType]);
    t.resourceCountIs('Custom::EnginFrameDatabase', 1);
    t.hasResourceProperties('Custom::EnginFrameDatabase', { DatabaseName: 'EnginFrameDB', Disposable: config.disposable });
  });

  it('EFS and FSx: encrypted, elastic, types and sizes from the config', () => {
    const { config } = synths[example];
    Template.fromJSON(tpl(example, 'EFS')).hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, ThroughputMode: 'elastic' });
    Template.fromJSON(tpl(example, 'FSX')).hasResourceProperties('AWS::FSx::FileSystem', {
      FileSystemType: 'LUSTRE',
      StorageCapacity: config.storage.fsx.storageCapacityGiB,
      LustreConfiguration: Match.objectLike({
        DeploymentType: config.storage.fsx.deploymentType,
        PerUnitStorageThroughput: config.storage.fsx.perUnitStorageThroughput ?? Match.absent(),
      }),
    });
  });

  it('ALB: HTTPS with a TLS 1.2+ policy to HTTPS:8443, /enginframe/ health check, lb_cookie stickiness', () => {
    const { config } = synths[example];
    const t = Template.fromJSON(tpl(example, 'ALB'));
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: config.loadBalancer.internetFacing ? 'internet-facing' : 'internal' });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', SslPolicy: Match.stringLikeRegexp('TLS13-1-2|TLS-1-2') });
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', config.loadBalancer.internetFacing ? 2 : 1);
    if (config.loadBalancer.internetFacing) {
      t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
      });
    }
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8443,
      Protocol: 'HTTPS',
      HealthCheckPath: '/enginframe/',
      HealthCheckProtocol: 'HTTPS',
      Matcher: { HttpCode: '200-399' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
      ]),
    });
    // No certificate in the config: the self-signed one is made for the ALB's own DNS name.
    t.hasResourceProperties('Custom::SelfSignedCertificate', { DomainName: { 'Fn::GetAtt': [Match.anyValue(), 'DNSName'] } });
  });

  it('ALB: the self-signed certificate is renewed daily into the same ARN by a function that may touch only it', () => {
    const template = tpl(example, 'ALB');
    const t = Template.fromJSON(template);
    const [certId] = resourcesOfType(template, 'Custom::SelfSignedCertificate')[0]!;
    const certArn = { 'Fn::GetAtt': [certId, 'CertificateArn'] };
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const renewals = functions.filter(([, fn]) => fn.Properties.Handler === 'index.renew');
    const renewal = only(renewals);
    const renewalId = renewals[0]![0];
    // Same runtime as the certificate resource's own functions (the same bundle).
    const onEvent = only(functions.filter(([, fn]) => fn.Properties.Handler === 'index.onEvent'));
    expect(renewal.Properties.Runtime).toBe(onEvent.Properties.Runtime);

    const rule = only(resourcesOfType(template, 'AWS::Events::Rule'));
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 day)');
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toHaveLength(1);
    expect(rule.Properties.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [renewalId, 'Arn'] });
    // The input is JSON built around two references: the certificate ARN and the load balancer's DNS name.
    const input = JSON.stringify(rule.Properties.Targets[0].Input);
    expect(input).toContain(JSON.stringify(certArn).slice(1, -1));
    expect(input).toMatch(/\\"RenewDaysBefore\\":30/);

    // Least privilege: describe and re-import that one certificate, nothing else of ACM.
    const roleId: string = renewal.Properties.Role['Fn::GetAtt'][0];
    const statements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const acmStatements = statements.filter((st) => JSON.stringify(st.Action).includes('acm:'));
    expect(acmStatements).toEqual([expect.objectContaining({ Action: ['acm:DescribeCertificate', 'acm:ImportCertificate'], Resource: certArn })]);
    t.hasOutput('CertificateArn', { Value: certArn });
  });

  it('EnginFrame nodes: AL2023 x86_64, IMDSv2, encrypted gp3, signal-gated creation and rolling replacement', () => {
    const t = Template.fromJSON(tpl(example, 'EnginFrame'));
    t.resourceCountIs('AWS::EC2::LaunchTemplate', 2);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
      }),
    });
    const params = (tpl(example, 'EnginFrame') as unknown as { Parameters: Record<string, { Default?: string }> }).Parameters;
    expect(Object.values(params).map((p) => p.Default)).toContain('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64');
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      CreationPolicy: { ResourceSignal: Match.objectLike({ Count: 1 }) },
      // CloudFormation waits at most an hour for a replaced node (PauseTime); a replacement adopts its cluster.
      UpdatePolicy: { AutoScalingRollingUpdate: Match.objectLike({ WaitOnResourceSignals: true, MaxBatchSize: 1, PauseTime: 'PT1H' }) },
    });
    // Node 2 is created, and replaced on every update, only once node 1 has signalled.
    const groups = Object.entries(t.findResources('AWS::AutoScaling::AutoScalingGroup')).sort(([a], [b]) => a.localeCompare(b));
    expect(groups.map(([id]) => id)).toEqual([expect.stringMatching(/^Node1Group/), expect.stringMatching(/^Node2Group/)]);
    expect([groups[1]![1].DependsOn ?? []].flat()).toContain(groups[0]![0]);
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('the node role reads only its secrets and objects; ParallelCluster\'s policy only in instance mode', () => {
    const { config } = synths[example];
    const t = tpl(example, 'EnginFrame');
    const policies = resourcesOfType(t, 'AWS::IAM::Policy').filter(([id]) => id.startsWith('NodeRole'));
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const secretRead = statements.find((s) => s.Sid === 'ReadSecrets');
    expect(secretRead.Resource).toHaveLength(3);
    expect(secretRead.Resource).toContain(enginframePortal(config).adminPasswordSecretArn);
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a: string) => a.endsWith('*') || a === '*')).toEqual([]);
    const operator = resourcesOfType(t, 'AWS::IAM::ManagedPolicy').filter(([id]) => id.startsWith('ParallelClusterOperator'));
    // Instance mode: ParallelCluster's published statements, split under IAM's 6,144-character limit.
    expect(operator.length > 1).toBe(config.clusters.provisioner === 'instance');
  });

  it('EnginFrame licence: AWS\'s per-region licence bucket where the partition has it, else the licence file the config ships', () => {
    const { config } = synths[example];
    const statements = resourcesOfType(tpl(example, 'EnginFrame'), 'AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('NodeRole'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const bucketRead = statements.find((s) => s.Sid === 'ReadEnginFrameLicense');
    const artifacts = JSON.stringify(statements.find((s) => s.Sid === 'ReadArtifacts').Resource);
    if (config.partition === 'aws') {
      expect(bucketRead).toMatchObject({
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::enginframe-license.', { Ref: 'AWS::Region' }, '/*']] },
      });
      expect(config.portal.licenseFile).toBeUndefined();
    } else {
      // China: no documented licence bucket, so no grant; the example ships a licence file, which the node reads.
      expect(bucketRead).toBeUndefined();
      const key = /^s3:\/\/([^/]+)\/(.+)$/.exec(config.portal.licenseFile!.uri)!;
      expect(artifacts).toContain(`:s3:::${key[1]}/${key[2]}`);
    }
  });

  it('clusters: Custom::PclusterCluster per AZ from the pinned provider template, or the teardown in instance mode', () => {
    const s = synths[example];
    const { config } = s;
    if (config.clusters.provisioner === 'cloudformation') {
      const t = tpl(example, 'Clusters');
      const provider = only(resourcesOfType(t, 'AWS::CloudFormation::Stack'));
      expect(provider.Properties.TemplateURL).toBe(PROVIDER_TEMPLATE_URLS[example]);
      const clusters = resourcesOfType(t, 'Custom::PclusterCluster');
      expect(clusters.map(([, c]) => c.Properties.ClusterName)).toEqual([`${config.name}-cluster1`, `${config.name}-cluster2`]);
      clusters.forEach(([, c], i) => {
        const cc = c.Properties.ClusterConfiguration;
        expect(subnetAz(s, 'Clusters', cc.HeadNode.Networking.SubnetId)).toBe(config.network.availabilityZones[i]);
        expect(cc.Scheduling.SlurmSettings.MungeKeySecretArn).toEqual(clusters[0]![1].Properties.ClusterConfiguration.Scheduling.SlurmSettings.MungeKeySecretArn);
        expect(cc.HeadNode.CustomActions.OnNodeConfigured.Script).toBeDefined();
        expect(cc.SharedStorage.map((st: { MountDir: string }) => st.MountDir).sort()).toEqual(['/efs', `/fsx_cluster${i + 1}`]);
      });
    } else {
      const t = Template.fromJSON(tpl(example, 'EnginFrame'));
      t.hasResourceProperties('Custom::ClusterTeardown', {
        ClusterNames: [`${config.name}-cluster1`, `${config.name}-cluster2`],
        ParallelClusterVersion: config.clusters.parallelclusterVersion,
      });
      const userData = JSON.stringify(resourcesOfType(tpl(example, 'EnginFrame'), 'AWS::EC2::LaunchTemplate')[0]![1].Properties.LaunchTemplateData.UserData);
      // The config is an S3 object; user data carries its checksum and the values of its placeholders.
      expect(userData).toMatch(/HPC_HA_PCLUSTER_CONFIG_SHA256=\\"[0-9a-f]{64}\\"/);
      expect(userData).not.toContain('SlurmQueues');
      // Node 1 creates cluster1: its config's subnet placeholder is AZ 1's private subnet, never AZ 2's.
      expect(userData).toContain('<PrivateSubnetId1>\\t');
      expect(userData).not.toContain('<PrivateSubnetId2>');
    }
  });
});

describe.each(EXAMPLES)('%s: deploy-time settings from the region table and the review', (example) => {
  it('Aurora version and the handlers\' Lambda runtime come from the region profile', () => {
    const db = only(resourcesOfType(tpl(example, 'AuroraServerless'), 'AWS::RDS::DBCluster'));
    expect(db.Properties.EngineVersion).toBe(`8.0.mysql_aurora.${synths[example].config.regionProfile.auroraMysqlVersions[0]}`);
    // Our handler bundles (index.onEvent / index.isComplete); aws-cdk-lib's framework and log-retention functions pick their own.
    const ours = Object.values(synths[example].templates).flatMap((t) =>
      resourcesOfType(t, 'AWS::Lambda::Function').filter(([id, f]) => /^index\.(onEvent|isComplete)$/.test(f.Properties.Handler) && !id.startsWith('LogRetention')),
    );
    expect(ours.length).toBeGreaterThan(2);
    expect(new Set(ours.map(([, f]) => f.Properties.Runtime))).toEqual(new Set([synths[example].config.regionProfile.lambdaNodeRuntime]));
  });

  it('the certificate handler deletes only certificates carrying its own tag', () => {
    const policies = resourcesOfType(tpl(example, 'ALB'), 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
    const deletes = policies.filter((st) => [st.Action].flat().includes('acm:DeleteCertificate'));
    if (synths[example].config.loadBalancer.certificateArn !== undefined) return;
    expect(deletes).toHaveLength(1);
    expect(deletes[0].Condition).toEqual({ Null: { 'aws:ResourceTag/hpc-ha:cfn-request': 'false' } });
  });
});

describe.each(EXAMPLES)('%s: the munge key', (example) => {
  it('is one secret, filled at deploy time by Custom::MungeKey (never in a template), shared by both clusters and the portal', () => {
    expectOneSharedMungeKey(synths[example]);
  });
});

describe.each(EXAMPLES)('%s: one generator for render and deploy', (example) => {
  it('the user data CloudFormation receives is what `hpc-ha render` shows, with tokens where the placeholders are', () => {
    const { config } = synths[example];
    const t = tpl(example, 'EnginFrame');
    const rendered = renderDeploymentArtifacts(config, placeholderValues(config));
    const groups = resourcesOfType(t, 'AWS::AutoScaling::AutoScalingGroup').map(([id]) => id);
    resourcesOfType(t, 'AWS::EC2::LaunchTemplate').forEach(([, lt], i) => {
      const parts = lt.Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1] as unknown[];
      const literals = parts.filter((p): p is string => typeof p === 'string');
      expect(literals.join('').length).toBeGreaterThan(4000);
      const expected = rendered.find((f) => f.path === `portal/node${i + 1}/user-data.sh`)!.content;
      // Values CDK resolves at synth (stack name, the groups' logical ids) are placeholders in the rendering.
      const concrete = new RegExp([`${config.name}-EnginFrame`, ...groups].join('|'), 'g');
      let at = 0;
      for (const literal of literals) {
        // CDK builds an FSx DNS name from three tokens (<id>.fsx.<region>.<URL suffix>); the rendering shows one placeholder.
        for (const piece of literal.split(concrete).filter((p) => p && !/^\.fsx\.[a-z0-9-]+\.$/.test(p))) {
          const found = expected.indexOf(piece, at);
          expect(found, `not in the rendered user data: ${piece.slice(0, 200)}`).toBeGreaterThanOrEqual(0);
          at = found + piece.length;
        }
      }
    });
  });
});

/** Every string in a template with the JSON path that leads to it. */
function strings(node: unknown, path: string[] = [], out: { path: string[]; value: string }[] = []) {
  if (typeof node === 'string') out.push({ path, value: node });
  else if (Array.isArray(node)) node.forEach((v, i) => strings(v, [...path, String(i)], out));
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) strings(v, [...path, k], out);
  return out;
}

/**
 * Where a global service name (`ec2.amazonaws.com`) is right in every partition: principals (`Service` in a policy,
 * `Principal` of an AWS::Lambda::Permission) and IAM service-name conditions.
 */
const SERVICE_NAME_KEYS = ['Service', 'Principal', 'iam:PassedToService', 'iam:AWSServiceName'];

describe.each(EXAMPLES)('%s: partition', (example) => {
  it('has no ARN or endpoint of the other partition in any template', () => {
    const china = synths[example].config.partition === 'aws-cn';
    const problems: string[] = [];
    for (const [stackId, t] of allTemplates(example)) {
      for (const { path, value } of strings(t)) {
        const where = `${stackId}:${path.join('.')}: ${value.slice(0, 120)}`;
        if (china) {
          if (value.includes('arn:aws:')) problems.push(where);
          const global = value.match(/amazonaws\.com(?!\.cn)/g);
          if (global && !path.some((p) => SERVICE_NAME_KEYS.includes(p))) problems.push(where);
        } else if (value.includes('arn:aws-cn:') || value.includes('amazonaws.com.cn')) {
          problems.push(where);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.each(EXAMPLES)('%s: secrets', (example) => {
  it('no planted secret value appears anywhere in cdk.out', () => {
    const hits: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (readFileSync(p).includes(CANARY)) hits.push(p);
      }
    };
    walk(synths[example].outdir);
    expect(hits).toEqual([]);
  });

  it('every secret is generated by Secrets Manager or written at deploy time, never a template value', () => {
    for (const [, t] of allTemplates(example)) {
      for (const [, secret] of resourcesOfType(t, 'AWS::SecretsManager::Secret')) expect(secret.Properties?.SecretString).toBeUndefined();
      for (const [, db] of resourcesOfType(t, 'AWS::RDS::DBCluster')) {
        expect(JSON.stringify(db.Properties.MasterUserPassword)).toMatch(/resolve:secretsmanager/);
      }
    }
  });
});

/**
 * ParallelCluster's provider template per example, written out as ParallelCluster publishes it (not rebuilt with
 * the implementation's formula): the China partition's S3 endpoints end in .amazonaws.com.cn.
 */
const PROVIDER_TEMPLATE_URLS: Record<Example, string> = {
  'cn-north-1': 'https://cn-north-1-aws-parallelcluster.s3.cn-north-1.amazonaws.com.cn/parallelcluster/3.16.3/templates/custom_resource/cluster.yaml',
  'cn-northwest-1': 'https://cn-northwest-1-aws-parallelcluster.s3.cn-northwest-1.amazonaws.com.cn/parallelcluster/3.16.3/templates/custom_resource/cluster.yaml',
  'us-east-1': 'https://us-east-1-aws-parallelcluster.s3.us-east-1.amazonaws.com/parallelcluster/3.16.3/templates/custom_resource/cluster.yaml',
};

describe('cfn-lint over every template of the three examples', () => {
  it.runIf(RUN_CFN_LINT)('reports no error, and only warnings the ignore list names with a reason', () => {
    expect(CFN_LINT_AVAILABLE, 'cfn-lint must be installed in CI').toBe(true);
    const ignore = readFileSync(join(PACKAGE_ROOT, 'cfn-lint-ignore.yaml'), 'utf8');
    const accepted = new Map(
      ignore
        .split('\n')
        .map((l) => /^([EWI]\d{4}):\s*(\S.*)$/.exec(l))
        .filter((m): m is RegExpExecArray => !!m)
        .map((m) => [m[1]!, m[2]!]),
    );
    expect([...accepted.keys()].every((k) => k.startsWith('W'))).toBe(true);
    const files = EXAMPLES.flatMap((e) => synths[e].templateFiles);
    // Monitoring's topic, key and RDS event subscription (cn-north-1, us-east-1 have notifications.emails) included.
    expect(files).toHaveLength(23);
    const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...files], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(run.error).toBeUndefined();
    const findings = run.stdout.split('\n').filter(Boolean).map((line) => ({ line, rule: line.split(':')[5] ?? '' }));
    expect(findings.filter((f) => f.rule.startsWith('E')).map((f) => f.line)).toEqual([]);
    expect(findings.filter((f) => !accepted.has(f.rule)).map((f) => f.line)).toEqual([]);
    // Every accepted rule still fires; one that does not is a stale entry.
    expect([...accepted.keys()].filter((rule) => !findings.some((f) => f.rule === rule))).toEqual([]);
    expect(existsSync(join(PACKAGE_ROOT, /test\/\S+\.test\.ts/.exec(ignore)![0]))).toBe(true);
    // Exit status 0 (clean) or 4 (warnings only): never 2 (errors) or anything else (a crash).
    expect([0, 4]).toContain(run.status);
    // cfn-lint's own limit, not the suite's 30 s: 20 templates for 3 regions take 20-50 s on a busy 2-core machine.
  }, 180_000);

  it.runIf(RUN_CFN_LINT)('the ignore list is honest: a broken template does make cfn-lint fail', () => {
    expect(CFN_LINT_AVAILABLE, 'cfn-lint must be installed in CI').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cfn-lint-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ Resources: { Db: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-mysqll' } } } }));
    const out = execFileSync('sh', ['-c', 'cfn-lint --regions cn-north-1 -- "$1"; echo "rc=$?"', 'sh', file], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(out).toMatch(/E3690/);
    expect(out).toMatch(/rc=[26]/);
  });
});
