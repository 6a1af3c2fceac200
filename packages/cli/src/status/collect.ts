import { DescribeStackResourcesCommand, DescribeStacksCommand, type CloudFormationClient, type Stack } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, type EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { DescribeTargetHealthCommand, type ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { clusterPlans, stackGraph, stackName, type DeploymentConfig } from '@hpc-ha/infra/config';
import { deploymentAlarmPrefix } from './alarms.js';

export interface StatusClients {
  readonly cloudformation: CloudFormationClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly ec2: EC2Client;
  readonly cloudwatch: CloudWatchClient;
}

export interface StackState {
  readonly stack: string;
  /** CloudFormation's StackStatus, or NOT_DEPLOYED. */
  readonly status: string;
  readonly reason?: string;
  readonly ok: boolean;
}

export interface TargetState {
  readonly instanceId: string;
  readonly availabilityZone: string;
  /** healthy, unhealthy, initial, draining, unused, unavailable. */
  readonly state: string;
  readonly reason?: string;
  readonly ok: boolean;
}

export interface ClusterState {
  readonly cluster: string;
  readonly availabilityZone: string;
  /** Status of ParallelCluster's own stack (named as the cluster), or NOT_DEPLOYED. */
  readonly stackStatus: string;
  readonly headNode?: { readonly instanceId: string; readonly state: string; readonly availabilityZone: string };
  readonly ok: boolean;
}

export interface AlarmState {
  readonly name: string;
  readonly reason: string;
  readonly description?: string;
  readonly since?: string;
}

export interface DeploymentStatus {
  readonly name: string;
  readonly region: string;
  readonly stacks: readonly StackState[];
  /** Undefined before the ALB stack exists. */
  readonly portalTargets?: readonly TargetState[];
  readonly clusters: readonly ClusterState[];
  readonly alarms: readonly AlarmState[];
  readonly alarmPrefix: string;
}

/** Settled: nothing running or rolled back. Anything else (in progress, rolled back, failed) needs a look. */
const STABLE_OK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

async function describeStack(cfn: CloudFormationClient, name: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (e) {
    if (e instanceof Error && e.name === 'ValidationError' && /does not exist/.test(e.message)) return undefined;
    throw e;
  }
}

function stackState(name: string, s: Stack | undefined): StackState {
  if (!s?.StackStatus) return { stack: name, status: 'NOT_DEPLOYED', ok: false };
  return { stack: name, status: s.StackStatus, ...(s.StackStatusReason ? { reason: s.StackStatusReason } : {}), ok: STABLE_OK.has(s.StackStatus) };
}

async function instances(ec2: EC2Client, ids: string[]): Promise<Instance[]> {
  if (!ids.length) return [];
  const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
}

async function portalTargets(c: StatusClients, albStack: string): Promise<TargetState[]> {
  const resources = (await c.cloudformation.send(new DescribeStackResourcesCommand({ StackName: albStack }))).StackResources ?? [];
  const groups = resources.filter((r) => r.ResourceType === 'AWS::ElasticLoadBalancingV2::TargetGroup' && r.PhysicalResourceId);
  const out: TargetState[] = [];
  for (const g of groups) {
    const health = (await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: g.PhysicalResourceId! }))).TargetHealthDescriptions ?? [];
    const zones = new Map((await instances(c.ec2, health.map((h) => h.Target?.Id ?? '').filter(Boolean))).map((i) => [i.InstanceId, i.Placement?.AvailabilityZone ?? '?']));
    for (const h of health) {
      const id = h.Target?.Id ?? '?';
      const state = h.TargetHealth?.State ?? 'unknown';
      out.push({
        instanceId: id,
        availabilityZone: h.Target?.AvailabilityZone ?? zones.get(id) ?? '?',
        state,
        ...(h.TargetHealth?.Reason ? { reason: `${h.TargetHealth.Reason}${h.TargetHealth.Description ? `: ${h.TargetHealth.Description}` : ''}` } : {}),
        ok: state === 'healthy',
      });
    }
  }
  return out.sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.instanceId.localeCompare(b.instanceId));
}

/** ParallelCluster tags its head node: 3.x `parallelcluster:node-type=HeadNode`, 2.x `aws-parallelcluster-node-type=Master`. */
async function headNode(config: DeploymentConfig, ec2: EC2Client, cluster: string): Promise<Instance | undefined> {
  const v2 = config.clusters.parallelclusterVersion.startsWith('2.');
  const filters = v2
    ? [{ Name: 'tag:Application', Values: [cluster] }, { Name: 'tag:aws-parallelcluster-node-type', Values: ['Master'] }]
    : [{ Name: 'tag:parallelcluster:cluster-name', Values: [cluster] }, { Name: 'tag:parallelcluster:node-type', Values: ['HeadNode'] }];
  const r = await ec2.send(new DescribeInstancesCommand({ Filters: [...filters, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }] }));
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? [])[0];
}

/** Reads everything `hpc-ha status` shows. Errors (credentials, network, permissions) propagate: the caller exits 2. */
export async function collectStatus(config: DeploymentConfig, c: StatusClients): Promise<DeploymentStatus> {
  const names = stackGraph(config).map((n) => ({ id: n.id, name: stackName(config.name, n.id) }));
  // The first call alone: an unreachable endpoint or refused credentials end here, after one bounded wait.
  const first = await describeStack(c.cloudformation, names[0]!.name);
  const rest = await Promise.all(names.slice(1).map((n) => describeStack(c.cloudformation, n.name)));
  const described = [first, ...rest];
  const stacks = names.map((n, i) => stackState(n.name, described[i]));
  const alb = names.findIndex((n) => n.id === 'ALB');
  const albDeployed = alb >= 0 && described[alb] !== undefined && !/DELETE/.test(described[alb]!.StackStatus ?? '');
  const [targets, clusters, alarms] = await Promise.all([
    albDeployed ? portalTargets(c, names[alb]!.name) : Promise.resolve(undefined),
    Promise.all(
      clusterPlans(config).map(async (p): Promise<ClusterState> => {
        const [own, head] = await Promise.all([describeStack(c.cloudformation, p.name), headNode(config, c.ec2, p.name)]);
        const stackStatus = own?.StackStatus ?? 'NOT_DEPLOYED';
        const state = head?.State?.Name ?? 'missing';
        return {
          cluster: p.name,
          availabilityZone: p.availabilityZone,
          stackStatus,
          ...(head?.InstanceId ? { headNode: { instanceId: head.InstanceId, state, availabilityZone: head.Placement?.AvailabilityZone ?? '?' } } : {}),
          ok: STABLE_OK.has(stackStatus) && state === 'running',
        };
      }),
    ),
    alarmsInAlarm(c.cloudwatch, deploymentAlarmPrefix(config)),
  ]);
  return { name: config.name, region: config.region, stacks, ...(targets ? { portalTargets: targets } : {}), clusters, alarms, alarmPrefix: deploymentAlarmPrefix(config) };
}

async function alarmsInAlarm(cw: CloudWatchClient, prefix: string): Promise<AlarmState[]> {
  const out: AlarmState[] = [];
  let token: string | undefined;
  do {
    const page = await cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], ...(token ? { NextToken: token } : {}) }));
    for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      out.push({
        name: a.AlarmName ?? '?',
        reason: a.StateReason ?? '',
        ...(a.AlarmDescription ? { description: a.AlarmDescription } : {}),
        ...(a.StateUpdatedTimestamp ? { since: a.StateUpdatedTimestamp.toISOString() } : {}),
      });
    }
    token = page.NextToken;
  } while (token);
  return out;
}
