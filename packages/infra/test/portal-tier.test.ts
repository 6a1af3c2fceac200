/**
 * The portal tier construct on its own (both portal kinds use it): the rolling order between the two nodes, and the
 * signal timeouts checked against CloudFormation's limits before anything is deployed.
 */
import { describe, expect, it } from 'vitest';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { ApplicationTargetGroup, Protocol } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { PortalTier, type PortalTierProps } from '../src/constructs/portal-tier.js';
import { portalBootBudgetMinutes } from '@hpc-ha/portal-node';
import { portalSignalTimeouts } from '../src/stacks/portal-tier-props.js';

function tier(overrides: Partial<PortalTierProps> = {}): { stack: Stack; tier: PortalTier } {
  const app = new App();
  const stack = new Stack(app, 'Portal', { env: { region: 'cn-north-1', account: '123456789012' } });
  const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const t = new PortalTier(stack, 'Default', {
    vpc,
    subnets: [vpc.isolatedSubnets[0] ?? vpc.privateSubnets[0] ?? vpc.publicSubnets[0]!, vpc.isolatedSubnets[1] ?? vpc.privateSubnets[1] ?? vpc.publicSubnets[1]!],
    securityGroup: new SecurityGroup(stack, 'Sg', { vpc }),
    targetGroup: new ApplicationTargetGroup(stack, 'Tg', { vpc, port: 443, protocol: Protocol.HTTPS as never }),
    instanceType: 'm6i.large',
    rootVolumeGiB: 30,
    product: 'Test portal',
    program: { fileName: 'p.sh', text: 'echo hi\n' },
    secretArns: ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf'],
    artifactUris: ['s3://bucket/key.tar', 'https://example.org/x', undefined],
    creationTimeout: Duration.minutes(150),
    replacementTimeout: Duration.minutes(60),
    logRetention: RetentionDays.ONE_WEEK,
    logRemovalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  });
  t.setUserData(['#!/bin/bash\necho 1\n', '#!/bin/bash\necho 2\n']);
  return { stack, tier: t };
}

// Each case synthesizes a small app; the first also pays for loading aws-cdk-lib's modules.
describe('PortalTier', { timeout: 120_000 }, () => {
  it('creates and rolls node 2 only after node 1 signalled; first boots may take longer than a replacement', () => {
    const { stack, tier: t } = tier();
    const groups = Template.fromStack(stack).findResources('AWS::AutoScaling::AutoScalingGroup');
    const [id1, id2] = t.signalResources.map((id) => stack.resolve(id) as string);
    expect(Object.keys(groups).sort()).toEqual([id1, id2]);
    expect([groups[id2].DependsOn].flat()).toContain(id1);
    expect([groups[id1].DependsOn ?? []].flat()).not.toContain(id2);
    for (const g of Object.values(groups)) {
      expect(g.CreationPolicy).toEqual({ ResourceSignal: { Count: 1, Timeout: 'PT2H30M' } });
      expect(g.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({ MaxBatchSize: 1, MinInstancesInService: 0, WaitOnResourceSignals: true, PauseTime: 'PT1H' });
      // An ELB health check must not replace a node that is still within its first boot.
      expect(g.Properties.HealthCheckGracePeriod).toBe(150 * 60);
    }
  });

  it('keeps the logical ids of resources created before the construct existed (no replacement on update)', () => {
    const ids = Object.keys(Template.fromStack(tier().stack).toJSON().Resources);
    for (const prefix of ['BootstrapLogs', 'NodeRole', 'NodeRoleDefaultPolicy', 'Node1GroupASG', 'Node2GroupASG', 'Node1LaunchTemplate', 'Node2LaunchTemplate']) {
      expect(ids.some((id) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id))).toBe(true);
    }
  });

  it('grants exactly the named secrets and S3 objects (an HTTPS location needs no grant)', () => {
    const statements = Object.values(Template.fromStack(tier().stack).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.find((s: { Sid?: string }) => s.Sid === 'ReadSecrets').Resource).toBe('arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x-AbCdEf');
    const objects = JSON.stringify(statements.find((s: { Sid?: string }) => s.Sid === 'ReadArtifacts').Resource);
    expect(objects).toContain(':s3:::bucket/key.tar');
    expect(objects).not.toContain('example.org');
  });

  it('refuses a replacement budget over the hour CloudFormation allows a rolling update to wait', () => {
    expect(() => tier({ replacementTimeout: Duration.minutes(61) })).toThrow(/replacement boot budget of 1 hour 1 minute .* one hour CloudFormation allows/);
    expect(() => tier({ creationTimeout: Duration.hours(13), replacementTimeout: Duration.hours(1) })).toThrow(/12-hour signal timeout/);
  });
});

describe('portalSignalTimeouts', () => {
  const config = (kind: 'enginframe' | 'openondemand', provisioner: 'cloudformation' | 'instance') =>
    ({ portal: { kind }, clusters: { provisioner } }) as Parameters<typeof portalSignalTimeouts>[0];
  it.each([
    ['enginframe', 'cloudformation'],
    ['openondemand', 'cloudformation'],
    ['enginframe', 'instance'],
  ] as const)('%s with %s clusters: a first boot gets its whole budget, a replacement at most the hour CloudFormation allows', (kind, provisioner) => {
    const t = portalSignalTimeouts(config(kind, provisioner));
    expect(t.creationTimeout.toMinutes()).toBe(portalBootBudgetMinutes({ portalKind: kind, provisioner }));
    expect(t.replacementTimeout.toMinutes()).toBe(Math.min(60, t.creationTimeout.toMinutes()));
  });
  it('a first boot that creates its cluster may take longer than one that does not', () =>
    expect(portalSignalTimeouts(config('enginframe', 'instance')).creationTimeout.toMinutes()).toBeGreaterThan(
      portalSignalTimeouts(config('enginframe', 'cloudformation')).creationTimeout.toMinutes(),
    ));
});
