/**
 * examples/cn-north-1-ondemand.yaml (portal.kind openondemand) synthesized once through the real app (cdk-nag and
 * aws-cdk-lib's CloudFormation validator), then checked for the HA invariants of the portal tier and by cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderValues, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { loadDeploymentConfig } from '../src/config/index.js';
import { PACKAGE_ROOT, REPO_ROOT, resourcesOfType, subnetAz, synthesize, type CfnTemplate, type Synthesized } from './support/synth.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml');
let synth: Synthesized;
beforeAll(() => {
  synth = synthesize(loadDeploymentConfig(EXAMPLE));
}, 180_000);
afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

const tpl = (stack: string): CfnTemplate => {
  const t = synth.templates[stack];
  if (!t) throw new Error(`no ${stack} stack`);
  return t;
};

describe('Open OnDemand example: stacks', () => {
  it('has an OpenOnDemand stack instead of EnginFrame, and no Aurora database at all', () => {
    expect(Object.keys(synth.templates).sort()).toEqual(['ALB', 'Clusters', 'EFS', 'FSX', 'Monitoring', 'OpenOnDemand', 'VPC']);
    for (const t of Object.values(synth.templates)) {
      expect(resourcesOfType(t, 'AWS::RDS::DBCluster')).toEqual([]);
      expect(resourcesOfType(t, 'AWS::RDS::DBInstance')).toEqual([]);
    }
    const manifest = JSON.parse(readFileSync(join(synth.outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { properties?: { stackName?: string } }> };
    expect(manifest.artifacts['OpenOnDemand']?.properties?.stackName).toBe('hpcood-OpenOnDemand');
  });

  it('one Auto Scaling group of exactly one node per AZ, both in the target group; node 2 replaced only after node 1 signalled', () => {
    const t = tpl('OpenOnDemand');
    const groups = resourcesOfType(t, 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(2);
    const azs = groups.map(([, g]) => {
      expect(g.Properties.MinSize).toBe('1');
      expect(g.Properties.MaxSize).toBe('1');
      expect(g.Properties.TargetGroupARNs).toHaveLength(1);
      expect((g as { CreationPolicy?: unknown }).CreationPolicy).toMatchObject({ ResourceSignal: { Count: 1 } });
      return subnetAz(synth, 'OpenOnDemand', g.Properties.VPCZoneIdentifier[0]);
    });
    expect(new Set(azs)).toEqual(new Set(synth.config.network.availabilityZones));
    // Equal nodes, yet rolled one at a time: node 2's group depends on node 1's, whose update completes only on the
    // new instance's success signal, so a launch-template change never takes both AZs' nodes down together.
    const [[id1, g1], [id2, g2]] = [...groups].sort(([a], [b]) => a.localeCompare(b));
    expect([(g2 as { DependsOn?: string[] }).DependsOn ?? []].flat()).toContain(id1);
    expect([(g1 as { DependsOn?: string[] }).DependsOn ?? []].flat()).not.toContain(id2);
    for (const [, g] of [[id1, g1], [id2, g2]] as const) {
      expect((g as { UpdatePolicy?: unknown }).UpdatePolicy).toMatchObject({ AutoScalingRollingUpdate: { WaitOnResourceSignals: true, MaxBatchSize: 1, PauseTime: 'PT1H' } });
    }
  });

  it('the load balancer re-encrypts to port 443 on the nodes with sticky sessions, and only the load balancer may reach it', () => {
    const tg = resourcesOfType(tpl('ALB'), 'AWS::ElasticLoadBalancingV2::TargetGroup')[0]![1] as { Properties: any };
    expect(tg.Properties).toMatchObject({ Port: 443, Protocol: 'HTTPS', HealthCheckPath: '/public/hpc-ha-health', HealthCheckProtocol: 'HTTPS', Matcher: { HttpCode: '200' } });
    const attrs = Object.fromEntries(tg.Properties.TargetGroupAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
    expect(attrs).toMatchObject({ 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie' });
    const ingress = resourcesOfType(tpl('VPC'), 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    const toPortal = ingress.filter((p) => p.FromPort === 443 && JSON.stringify(p.GroupId).includes('Portal'));
    expect(toPortal).toHaveLength(1);
    expect(JSON.stringify(toPortal[0].SourceSecurityGroupId)).toContain('LoadBalancer');
    expect(ingress.some((p) => p.FromPort === 8443)).toBe(false);
  });

  it('nodes read exactly their secrets (generated OIDC passphrase, munge key, directory bind password) and staged objects', () => {
    const t = tpl('OpenOnDemand');
    const statements = resourcesOfType(t, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const secrets = statements.find((s: { Sid?: string }) => s.Sid === 'ReadSecrets');
    expect(secrets.Resource).toHaveLength(3);
    expect(secrets.Resource).toContain('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:corp/ldap-bind-AbCdEf');
    const objects = JSON.stringify(statements.find((s: { Sid?: string }) => s.Sid === 'ReadArtifacts').Resource);
    expect(objects).toContain('my-hpc-artifacts-cn-north-1/ondemand/ondemand-4.2.3-amzn2023-x86_64.tar');
    expect(objects).toContain('my-hpc-artifacts-cn-north-1/directory/corp-ca.pem');
    const secretsInStack = resourcesOfType(t, 'AWS::SecretsManager::Secret');
    expect(secretsInStack).toHaveLength(1);
    const passphrase = secretsInStack[0]![1] as { Properties: any };
    expect(passphrase.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 48 });
    expect(passphrase.Properties.SecretString).toBeUndefined();
  });

  it('each node’s user data names its own LDAP server, its own signal target, and stays under EC2’s 16 KB', () => {
    const t = tpl('OpenOnDemand');
    const templates = resourcesOfType(t, 'AWS::EC2::LaunchTemplate').map(([, lt]) => JSON.stringify(lt.Properties.LaunchTemplateData.UserData));
    expect(templates).toHaveLength(2);
    expect(templates[0]).toContain('10.0.128.10:636');
    expect(templates[1]).toContain('10.0.192.10:636');
    for (const ud of templates) expect(ud.length).toBeLessThan(16 * 1024);
    expect(t.Outputs?.['OpenOnDemandPortalURL']).toBeDefined();
  });
});

describe('Open OnDemand example: what hpc-ha render shows', () => {
  it('ood_portal.yml per node, the branding, and one cluster file per shown cluster; no database script', () => {
    const files = renderDeploymentArtifacts(synth.config, placeholderValues(synth.config)).map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['portal/node1/ood_portal.yml', 'portal/node2/ood_portal.yml', 'portal/ondemand.d/hpc-ha.yml', 'portal/clusters.d/hpcood-cluster1.yml', 'portal/clusters.d/hpcood-cluster2.yml']));
    expect(files).not.toContain('database/bootstrap.sql');
  });
});

describe('cfn-lint over the Open OnDemand example', () => {
  const available = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
  it.runIf(available || process.env['CI'] === 'true')('reports no error for cn-north-1, cn-northwest-1 and us-east-1, and only accepted warnings', () => {
    expect(available, 'cfn-lint must be installed in CI').toBe(true);
    const accepted = new Set(
      readFileSync(join(PACKAGE_ROOT, 'cfn-lint-ignore.yaml'), 'utf8')
        .split('\n')
        .map((l) => /^([EWI]\d{4}):/.exec(l)?.[1])
        .filter(Boolean),
    );
    const run = spawnSync('cfn-lint', ['--regions', 'cn-north-1', 'cn-northwest-1', 'us-east-1', '--format', 'parseable', '--', ...synth.templateFiles], { encoding: 'utf8', timeout: 120_000 });
    expect(run.error).toBeUndefined();
    const findings = run.stdout.split('\n').filter(Boolean).map((line) => ({ line, rule: line.split(':')[5] ?? '' }));
    expect(findings.filter((f) => !accepted.has(f.rule)).map((f) => f.line)).toEqual([]);
    expect([0, 4]).toContain(run.status);
  }, 180_000);
});
