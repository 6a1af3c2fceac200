/**
 * The Monitoring stack, synthesized through the real app (cdk-nag included): each alarm's metric, dimensions,
 * threshold and action; the encrypted topic and who may publish to it; the events that have no metric; the dashboard.
 * cfn-lint covers the templates in examples.test.ts (cn-north-1 and us-east-1 have notifications.emails).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alarmName, CERTIFICATE_EXPIRY_ALARM_DAYS, loadDeploymentConfig, type DeploymentConfig } from '../src/config/index.js';
import { examplePath, REPO_ROOT, referencedResource, resourceAt, resourcesOfType, synthesize, type CfnTemplate, type Synthesized } from './support/synth.js';

const runs = {} as Record<'emails' | 'silent' | 'ondemand', Synthesized>;

/** The Open OnDemand example (no database) with one address to notify. */
function ondemandWithEmails(): DeploymentConfig {
  const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-monitoring-'));
  const file = join(dir, 'ondemand.yaml');
  const text = readFileSync(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'), 'utf8');
  writeFileSync(file, `${text.trimEnd()}\nnotifications:\n  emails: [ood-admins@example.com, second@example.com]\n`);
  try {
    return loadDeploymentConfig(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(() => {
  runs.emails = synthesize(loadDeploymentConfig(examplePath('cn-north-1')));
  runs.silent = synthesize(loadDeploymentConfig(examplePath('cn-northwest-1')));
  runs.ondemand = synthesize(ondemandWithEmails());
}, 600_000);
afterAll(() => Object.values(runs).forEach((s) => rmSync(s.outdir, { recursive: true, force: true })));

const monitoring = (s: Synthesized): CfnTemplate => s.templates['Monitoring']!;

function alarm(s: Synthesized, id: Parameters<typeof alarmName>[1]) {
  const found = resourcesOfType(monitoring(s), 'AWS::CloudWatch::Alarm').filter(([, r]) => r.Properties.AlarmName === alarmName(s.config.name, id));
  expect(found, id).toHaveLength(1);
  return found[0]![1].Properties;
}

const dimension = (props: { Dimensions: { Name: string; Value: unknown }[] }, name: string) => props.Dimensions.find((d) => d.Name === name)?.Value;
/** The resource (in whichever stack) a dimension's value names. */
const dimensionTarget = (s: Synthesized, props: { Dimensions: { Name: string; Value: unknown }[] }, name: string) =>
  resourceAt(s, referencedResource(s, 'Monitoring', dimension(props, name)));

function topicLogicalId(s: Synthesized): string {
  const topics = resourcesOfType(monitoring(s), 'AWS::SNS::Topic');
  expect(topics).toHaveLength(1);
  return topics[0]![0];
}

describe('portal nodes behind the load balancer', () => {
  it('one alarm per AZ on the target group\'s healthy hosts in that AZ; no data (no node there) counts as unhealthy', () => {
    const s = runs.emails;
    s.config.network.availabilityZones.forEach((az, i) => {
      const p = alarm(s, i === 0 ? 'portal-node-unhealthy-az1' : 'portal-node-unhealthy-az2');
      expect(p).toMatchObject({ Namespace: 'AWS/ApplicationELB', MetricName: 'HealthyHostCount', Statistic: 'Minimum', Period: 60, Threshold: 1 });
      expect(p).toMatchObject({ ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 5, TreatMissingData: 'breaching' });
      expect(dimension(p, 'AvailabilityZone')).toBe(az);
      expect(dimensionTarget(s, p, 'TargetGroup')?.Type).toBe('AWS::ElasticLoadBalancingV2::TargetGroup');
      expect(dimensionTarget(s, p, 'LoadBalancer')?.Type).toBe('AWS::ElasticLoadBalancingV2::LoadBalancer');
      expect(p.AlarmDescription).toContain(`The portal node in ${az}`);
    });
  });

  it('5xx from the load balancer and from the portal, each 10 or more in two 5-minute periods', () => {
    const s = runs.emails;
    const elb = alarm(s, 'load-balancer-5xx');
    expect(elb).toMatchObject({ MetricName: 'HTTPCode_ELB_5XX_Count', Statistic: 'Sum', Period: 300, Threshold: 10, EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    const target = alarm(s, 'portal-5xx');
    expect(target).toMatchObject({ MetricName: 'HTTPCode_Target_5XX_Count', Statistic: 'Sum', Period: 300, Threshold: 10, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(dimensionTarget(s, target, 'TargetGroup')?.Type).toBe('AWS::ElasticLoadBalancingV2::TargetGroup');
  });

  it('a failed replacement: an EventBridge rule on the portal stack\'s groups, sent to the topic, and an alarm on that rule', () => {
    const s = runs.emails;
    const [ruleId, rule] = resourcesOfType(monitoring(s), 'AWS::Events::Rule')[0]!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
      detail: { AutoScalingGroupName: [{ prefix: `${s.config.name}-EnginFrame-` }] },
    });
    expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: { Ref: topicLogicalId(s) } })]);
    const p = alarm(s, 'portal-node-launch-failed');
    expect(p).toMatchObject({ Namespace: 'AWS/Events', MetricName: 'TriggeredRules', Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleId } }], Threshold: 1 });
    // The prefix matches the names CloudFormation gives the portal's groups: `<stack name>-<logical id>-<suffix>`.
    const groups = resourcesOfType(s.templates['EnginFrame']!, 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(2);
    expect(groups.every(([, g]) => g.Properties.AutoScalingGroupName === undefined)).toBe(true);
  });

  it('Open OnDemand: the rule matches the OpenOnDemand stack\'s groups', () => {
    const [, rule] = resourcesOfType(monitoring(runs.ondemand), 'AWS::Events::Rule')[0]!;
    expect(rule.Properties.EventPattern.detail).toEqual({ AutoScalingGroupName: [{ prefix: 'hpcood-OpenOnDemand-' }] });
  });
});

describe('the load balancer certificate', () => {
  it('DaysToExpiry of the listener\'s certificate below the threshold, missing data keeping the last state', () => {
    const s = runs.emails;
    const p = alarm(s, 'certificate-expiring');
    expect(p).toMatchObject({ Namespace: 'AWS/CertificateManager', MetricName: 'DaysToExpiry', Statistic: 'Minimum', Period: 86400 });
    expect(p).toMatchObject({ Threshold: CERTIFICATE_EXPIRY_ALARM_DAYS, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'ignore' });
    expect(dimensionTarget(s, p, 'CertificateArn')?.Type).toBe('Custom::SelfSignedCertificate');
  });

  it('renewal: the function\'s errors over one scheduled period, and a dead-letter queue for runs EventBridge could not deliver', () => {
    const s = runs.emails;
    const errors = alarm(s, 'certificate-renewal-failed');
    expect(errors).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 86400, Threshold: 1 });
    const fn = dimensionTarget(s, errors, 'FunctionName');
    expect(fn?.Properties.Handler).toMatch(/renew/i);

    const alb = s.templates['ALB']!;
    const [queueId, queue] = resourcesOfType(alb, 'AWS::SQS::Queue')[0]!;
    expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
    const schedule = resourcesOfType(alb, 'AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)![1];
    expect(schedule.Properties.Targets[0].DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const policy = resourcesOfType(alb, 'AWS::SQS::QueuePolicy')[0]![1].Properties.PolicyDocument.Statement;
    expect(policy).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' })]));

    const undelivered = alarm(s, 'certificate-renewal-undelivered');
    expect(undelivered).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    expect(resourceAt(s, referencedResource(s, 'Monitoring', dimension(undelivered, 'QueueName')))).toBe(queue);
  });
});

describe('cluster head nodes', () => {
  it('cloudformation provisioner: EC2 status checks of each head node, by the instance ParallelCluster reports', () => {
    const s = runs.emails;
    (['head-node-down-cluster1', 'head-node-down-cluster2'] as const).forEach((id, i) => {
      const p = alarm(s, id);
      expect(p).toMatchObject({ Namespace: 'AWS/EC2', MetricName: 'StatusCheckFailed', Statistic: 'Maximum', Period: 60, Threshold: 1, TreatMissingData: 'breaching' });
      const imported = (dimension(p, 'InstanceId') as { 'Fn::ImportValue': string })['Fn::ImportValue'];
      const exported = Object.values(s.templates['Clusters']!.Outputs ?? {}).find((o) => o.Export?.Name === imported);
      expect(exported?.Value).toEqual({ 'Fn::GetAtt': [i === 0 ? expect.stringMatching(/^Cluster1/) : expect.stringMatching(/^Cluster2/), 'headNode.instanceId'] });
    });
  });

  it('instance provisioner: no hpc-ha head-node alarm (the instances are unknown at deploy time); the dashboard shows ParallelCluster\'s', () => {
    const s = runs.silent;
    const names = resourcesOfType(monitoring(s), 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.AlarmName as string);
    expect(names.some((n) => n.includes('head-node'))).toBe(false);
    const body = JSON.stringify(resourcesOfType(monitoring(s), 'AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    expect(body).toContain(`alarm:${s.config.name}-cluster1-HeadNode`);
  });
});

describe('notifications', () => {
  it('with emails: a KMS-encrypted topic (rotating key) that CloudWatch, EventBridge and RDS may use, one subscription per address', () => {
    const s = runs.ondemand;
    const t = monitoring(s);
    const [keyId, key] = resourcesOfType(t, 'AWS::KMS::Key')[0]!;
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const topic = resourcesOfType(t, 'AWS::SNS::Topic')[0]![1];
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const services = ['cloudwatch.amazonaws.com', 'events.amazonaws.com', 'events.rds.amazonaws.com'];
    const keyUsers = key.Properties.KeyPolicy.Statement.filter((st: { Action: unknown }) => JSON.stringify(st.Action).includes('kms:GenerateDataKey*'));
    expect(keyUsers.map((st: { Principal: { Service: string } }) => st.Principal.Service).sort()).toEqual(services);
    const topicPolicy = resourcesOfType(t, 'AWS::SNS::TopicPolicy')[0]![1].Properties.PolicyDocument.Statement;
    for (const service of services) {
      expect(topicPolicy).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Allow', Principal: { Service: service }, Action: 'sns:Publish' })]));
    }
    expect(topicPolicy).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    const subscriptions = resourcesOfType(t, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
    expect(subscriptions.map((p) => [p.Protocol, p.Endpoint])).toEqual([['email', 'ood-admins@example.com'], ['email', 'second@example.com']]);
  });

  it('with emails: every alarm notifies the topic when it fires and when it recovers', () => {
    const s = runs.emails;
    const topic = { Ref: topicLogicalId(s) };
    const alarms = resourcesOfType(monitoring(s), 'AWS::CloudWatch::Alarm');
    expect(alarms).toHaveLength(10);
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions).toEqual([topic]);
      expect(a.Properties.OKActions).toEqual([topic]);
      expect(a.Properties.AlarmName.startsWith(`hpc-ha/${s.config.name}/`)).toBe(true);
      expect(a.Properties.AlarmDescription.length).toBeGreaterThan(80);
    }
  });

  it('Aurora failover and failure: an RDS event subscription for the cluster, only where Aurora exists and a topic does', () => {
    const s = runs.emails;
    const sub = resourcesOfType(monitoring(s), 'AWS::RDS::EventSubscription');
    expect(sub).toHaveLength(1);
    const p = sub[0]![1].Properties;
    expect(p).toMatchObject({ SourceType: 'db-cluster', EventCategories: ['failover', 'failure'], Enabled: true, SnsTopicArn: { Ref: topicLogicalId(s) } });
    expect(resourceAt(s, referencedResource(s, 'Monitoring', p.SourceIds[0]))?.Type).toBe('AWS::RDS::DBCluster');
    expect(resourcesOfType(monitoring(runs.ondemand), 'AWS::RDS::EventSubscription')).toHaveLength(0);
    expect(resourcesOfType(monitoring(runs.silent), 'AWS::RDS::EventSubscription')).toHaveLength(0);
  });

  it('without emails: no topic or key, and the alarms exist with no action', () => {
    const t = monitoring(runs.silent);
    expect(resourcesOfType(t, 'AWS::SNS::Topic')).toHaveLength(0);
    expect(resourcesOfType(t, 'AWS::KMS::Key')).toHaveLength(0);
    const alarms = resourcesOfType(t, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBe(8);
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions ?? []).toEqual([]);
      expect(a.Properties.OKActions ?? []).toEqual([]);
    }
    expect(resourcesOfType(t, 'AWS::Events::Rule')[0]![1].Properties.Targets).toBeUndefined();
  });
});

describe('discoverable by `hpc-ha status`', () => {
  it('outputs the alarm name prefix, every alarm name and the dashboard name; every alarm is tagged with the deployment', () => {
    const s = runs.emails;
    const t = monitoring(s);
    expect(t.Outputs!['AlarmNamePrefix']!.Value).toBe(`hpc-ha/${s.config.name}/`);
    expect(t.Outputs!['DashboardName']!.Value).toBe(`hpc-ha-${s.config.name}`);
    const listed = t.Outputs!['AlarmNames']!.Value['Fn::Join'][1] as { Ref: string }[];
    expect(listed.map((r) => r.Ref).sort()).toEqual(resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([id]) => id).sort());
    for (const [, a] of resourcesOfType(t, 'AWS::CloudWatch::Alarm')) {
      expect(a.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'hpc-ha:deployment', Value: s.config.name }]));
    }
  });
});

describe('the dashboard', () => {
  it('one per deployment: alarms, load balancer, portal nodes per AZ, Aurora, both head nodes, EFS and both FSx', () => {
    const s = runs.emails;
    const dashboards = resourcesOfType(monitoring(s), 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]![1].Properties.DashboardBody);
    for (const metric of ['HealthyHostCount', 'HTTPCode_ELB_5XX_Count', 'TargetResponseTime', 'DatabaseConnections', 'ServerlessDatabaseCapacity', 'StatusCheckFailed', 'ClientConnections', 'FreeDataStorageCapacity']) {
      expect(body).toContain(metric);
    }
    for (const az of s.config.network.availabilityZones) expect(body).toContain(az);
    expect(body).toContain('Cluster1headNodeinstanceId');
    expect(body).toContain('Cluster2headNodeinstanceId');
    expect(body).toContain(`AutoScalingGroupName=${s.config.name}-EnginFrame'`);
    const ood = JSON.stringify(resourcesOfType(monitoring(runs.ondemand), 'AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    expect(ood).not.toContain('DatabaseConnections');
  });
});
