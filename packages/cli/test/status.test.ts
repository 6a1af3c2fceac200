/**
 * `hpc-ha status` through the built binary against moto_server: stacks, the ALB target group's health by AZ,
 * ParallelCluster's stacks and tagged head nodes, this deployment's alarms in ALARM, exit codes and --json.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { CreateVpcCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';
import { startSilentServer } from './silent-server.js';

const REGION = 'us-east-1';
const CONFIG = `${EXAMPLES}/us-east-1.yaml`;
const NAME = 'hpcha-use1';
const STACKS = ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'Clusters', 'EnginFrame', 'Monitoring'];
const moto = useMoto({ resetEach: true });
const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const marker = JSON.stringify({ Resources: { Marker: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } });

/** A deployment as the account would hold it: every stack, the portal nodes in the ALB's target group, both head nodes. */
async function deployed(endpoint: string): Promise<{ portal: string[] }> {
  const cfg = { endpoint, region: REGION, credentials: creds };
  const cfn = new CloudFormationClient(cfg);
  const ec2 = new EC2Client(cfg);
  for (const id of STACKS) await cfn.send(new CreateStackCommand({ StackName: `${NAME}-${id}`, TemplateBody: marker }));
  for (const n of [1, 2]) await cfn.send(new CreateStackCommand({ StackName: `${NAME}-cluster${n}`, TemplateBody: marker }));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  await cfn.send(new CreateStackCommand({
    StackName: `${NAME}-ALB`,
    TemplateBody: JSON.stringify({ Resources: { PortalTargets: { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 8443, Protocol: 'HTTPS', TargetType: 'instance', VpcId: vpc } } } }),
  }));
  const image = (await ec2.send(new DescribeImagesCommand({}))).Images![0]!.ImageId!;
  const run = async (az: string, tags: Record<string, string>) =>
    (await ec2.send(new RunInstancesCommand({
      ImageId: image, MinCount: 1, MaxCount: 1, InstanceType: 'c5.xlarge', Placement: { AvailabilityZone: az },
      TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }))).Instances![0]!.InstanceId!;
  const portal = [await run('us-east-1a', { Name: 'portal1' }), await run('us-east-1b', { Name: 'portal2' })];
  for (const n of [1, 2]) await run(`us-east-1${n === 1 ? 'a' : 'b'}`, { 'parallelcluster:cluster-name': `${NAME}-cluster${n}`, 'parallelcluster:node-type': 'HeadNode' });
  const { StackResources } = await cfn.send(new (await import('@aws-sdk/client-cloudformation')).DescribeStackResourcesCommand({ StackName: `${NAME}-ALB` }));
  const tg = StackResources!.find((r) => r.ResourceType === 'AWS::ElasticLoadBalancingV2::TargetGroup')!.PhysicalResourceId!;
  await new ElasticLoadBalancingV2Client(cfg).send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: portal.map((Id) => ({ Id })) }));
  return { portal };
}

async function alarm(endpoint: string, name: string): Promise<void> {
  const cw = new CloudWatchClient({ endpoint, region: REGION, credentials: creds });
  await cw.send(new PutMetricAlarmCommand({
    AlarmName: name, AlarmDescription: 'a portal node fails its health check: see README "Operating"', Namespace: 'AWS/ApplicationELB', MetricName: 'UnHealthyHostCount',
    Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
  }));
  await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'Threshold Crossed: 1 datapoint [1.0] was greater than the threshold (0.0)' }));
}

describe('hpc-ha status (built binary, moto_server)', () => {
  it('nothing deployed: every stack NOT_DEPLOYED, no load balancer yet, degraded, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(['status', '-c', CONFIG], { env: motoEnv(moto.server.endpoint, REGION) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^hpcha-use1 \(us-east-1\): DEGRADED \(\d+ problems\)$/m);
    expect(r.stdout).toMatch(/^ {2}✗ hpcha-use1-VPC\s+NOT_DEPLOYED$/m);
    expect(r.stdout).toContain('no load balancer deployed yet');
  });

  it('a deployment that is all well: every line ✓, HEALTHY, exit 0; --json says the same', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const { portal } = await deployed(moto.server.endpoint);
    const env = motoEnv(moto.server.endpoint, REGION);
    const r = await runCli(['status', '-c', CONFIG], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hpcha-use1 (us-east-1): HEALTHY');
    expect(r.stdout).toMatch(new RegExp(`✓ us-east-1a  ${portal[0]}  healthy`));
    expect(r.stdout).toMatch(new RegExp(`✓ us-east-1b  ${portal[1]}  healthy`));
    expect(r.stdout).toMatch(/✓ hpcha-use1-cluster1 \(us-east-1a\) {2}stack CREATE_COMPLETE, head node i-\w+ running \(us-east-1a\)/);
    expect(r.stdout).toMatch(/alarms in ALARM \(names starting hpc-ha\/hpcha-use1\/\)\n {2}✓ none/);
    const json = JSON.parse((await runCli(['status', '-c', CONFIG, '--json'], { env })).stdout);
    expect(json).toMatchObject({ name: NAME, healthy: true, problems: [] });
    expect(json.portalTargets.map((t: { availabilityZone: string }) => t.availabilityZone)).toEqual(['us-east-1a', 'us-east-1b']);
  }, 60_000);

  it("this deployment's alarm in ALARM (not another deployment's) and a stopped head node: degraded, exit 1", async (ctx) => {
    if (!moto.server) return ctx.skip();
    await deployed(moto.server.endpoint);
    await alarm(moto.server.endpoint, `hpc-ha/${NAME}/portal-node-unhealthy-az2`);
    await alarm(moto.server.endpoint, 'hpc-ha/other-deployment/portal-node-unhealthy-az1');
    const ec2 = new EC2Client({ endpoint: moto.server.endpoint, region: REGION, credentials: creds });
    const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
    const head2 = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:parallelcluster:cluster-name', Values: [`${NAME}-cluster2`] }] }))).Reservations![0]!.Instances![0]!.InstanceId!;
    await ec2.send(new StopInstancesCommand({ InstanceIds: [head2] }));
    const r = await runCli(['status', '-c', CONFIG, '--json'], { env: motoEnv(moto.server.endpoint, REGION) });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.healthy).toBe(false);
    expect(json.alarms.map((a: { name: string }) => a.name)).toEqual([`hpc-ha/${NAME}/portal-node-unhealthy-az2`]);
    expect(json.problems).toContain(`alarm hpc-ha/${NAME}/portal-node-unhealthy-az2 is in ALARM`);
    expect(json.problems.join('\n')).toMatch(/cluster hpcha-use1-cluster2: stack CREATE_COMPLETE, head node (stopping|stopped)/);
  }, 60_000);
});

describe('hpc-ha status when AWS cannot be read: exit 2 with one line, never a hang', () => {
  it('an endpoint that never answers', async () => {
    const server = await startSilentServer();
    try {
      const started = Date.now();
      const r = await runCli(['status', '-c', CONFIG], { env: { ...motoEnv(server.endpoint, REGION), HPC_HA_AWS_TIMEOUT_MS: '300' }, timeoutMs: 20_000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('error: cannot read the status of hpcha-use1 (us-east-1): no answer from AWS within 300 ms (3 attempts)');
      expect(r.stdout).toBe('');
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await server.close();
    }
  });

  it('no credentials', async () => {
    const r = await runCli(['status', '-c', CONFIG], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: cannot read the status of hpcha-use1 \(us-east-1\): AWS credentials: /);
  });
});
