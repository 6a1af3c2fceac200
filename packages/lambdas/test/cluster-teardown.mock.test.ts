import 'aws-sdk-client-mock-vitest/extend';
import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isComplete, onEvent } from '../src/cluster-teardown/handler.js';
import { awsError, throttled } from './support/aws-errors.js';
import { completeEvent, createEvent, deleteEvent, lambdaContext, updateEvent } from './support/events.js';
import { captureLogs } from './support/logs.js';

const cfn = mockClient(CloudFormationClient);
const PROPS = { ClusterNames: ['cluster1', 'cluster2'], ParallelClusterVersion: '3.13.0' };
const idOf = (name: string): string => `arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/${name}/${name}-0000-4000-8000-000000000000`;
const REASON = 'The following resource(s) failed to delete: [HeadNodeSecurityGroup]. ';

function stack(name: string, status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackName: name,
    StackId: idOf(name),
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date(),
    Tags: [{ Key: 'parallelcluster:version', Value: '3.13.0' }],
    ...extra,
  } as Stack;
}

function notFound(name: string): Error {
  return awsError('ValidationError', `Stack with id ${name} does not exist`);
}

/** An event of the cluster stack itself: CloudFormation gives it the stack's name as logical id and its id as physical id. */
function failedEvent(name: string, at: Date): StackEvent {
  return {
    StackId: idOf(name),
    StackName: name,
    EventId: `e-${at.getTime()}`,
    LogicalResourceId: name,
    PhysicalResourceId: idOf(name),
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: 'DELETE_FAILED',
    ResourceStatusReason: REASON,
    Timestamp: at,
  };
}

/**
 * The event a nested stack (ParallelCluster 3 puts each queue group in one) leaves in its parent's event list when its
 * own deletion fails: same resource type, its own logical id, the nested stack's id as physical id.
 */
function nestedFailedEvent(parent: string, logicalId: string, at: Date): StackEvent {
  return {
    StackId: idOf(parent),
    StackName: parent,
    EventId: `n-${logicalId}-${at.getTime()}`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: idOf(`${parent}-${logicalId}`),
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: 'DELETE_FAILED',
    ResourceStatusReason: 'The following resource(s) failed to delete: [ComputeFleetSecurityGroup]. ',
    Timestamp: at,
  };
}

/** A Delete that asked cluster1's stack to go (cluster2 has none), after which that stack reports DELETE_FAILED. */
async function teardownWithCluster1DeleteFailed(): Promise<{ polled: ReturnType<typeof completeEvent>; started: number }> {
  cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).resolves({ Stacks: [stack('cluster1', 'CREATE_COMPLETE')] });
  cfn.on(DescribeStacksCommand, { StackName: 'cluster2' }).rejects(notFound('cluster2'));
  cfn.on(DeleteStackCommand).resolves({});
  const event = deleteEvent('cluster1,cluster2', PROPS);
  const answer = await onEvent(event);
  const started = Date.now();
  cfn.on(DescribeStacksCommand, { StackName: idOf('cluster1') }).resolves({
    Stacks: [stack('cluster1', 'DELETE_FAILED', { StackStatusReason: REASON })],
  });
  return { polled: completeEvent(event, answer), started };
}

describe('cluster-teardown handler (aws-sdk-client-mock for CloudFormation)', () => {
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(() => {
    logs = captureLogs();
  });
  afterAll(() => logs.restore());
  beforeEach(() => cfn.reset());

  it('Create and Update record the cluster names as the physical id and call nothing', async () => {
    const created = await onEvent(createEvent(PROPS));
    expect(created).toEqual({
      PhysicalResourceId: 'cluster1,cluster2',
      Data: { ClusterNames: 'cluster1,cluster2', StackNames: 'cluster1,cluster2' },
    });
    const v2 = await onEvent(updateEvent('cluster1,cluster2', { ...PROPS, ParallelClusterVersion: '2.11.9' }, PROPS));
    expect(v2.Data).toEqual({ ClusterNames: 'cluster1,cluster2', StackNames: 'parallelcluster-cluster1,parallelcluster-cluster2' });
    expect(cfn.calls()).toHaveLength(0);
  });

  it('Delete removes the stacks that exist and waits until they are DELETE_COMPLETE', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).resolves({ Stacks: [stack('cluster1', 'CREATE_COMPLETE')] });
    cfn.on(DescribeStacksCommand, { StackName: 'cluster2' }).rejects(notFound('cluster2'));
    cfn
      .on(DescribeStacksCommand, { StackName: idOf('cluster1') })
      .resolvesOnce({ Stacks: [stack('cluster1', 'DELETE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('cluster1', 'DELETE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});

    const event = deleteEvent('cluster1,cluster2', PROPS);
    const answer = await onEvent(event);
    expect(answer.PhysicalResourceId).toBe('cluster1,cluster2');
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: idOf('cluster1') });

    const polled = completeEvent(event, answer);
    expect(await isComplete(polled)).toEqual({ IsComplete: false });
    expect(await isComplete(polled)).toEqual({ IsComplete: true });
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 1);
  });

  it('ParallelCluster 2 stacks are named parallelcluster-<name>', async () => {
    cfn.on(DescribeStacksCommand).rejects(notFound('x'));
    cfn.on(DescribeStacksCommand, { StackName: 'parallelcluster-cluster1' }).resolves({
      Stacks: [stack('parallelcluster-cluster1', 'UPDATE_COMPLETE', { Tags: [] })],
    });
    cfn.on(DeleteStackCommand).resolves({});
    await onEvent(deleteEvent('cluster1,cluster2', { ...PROPS, ParallelClusterVersion: '2.11.9' }));
    expect(cfn).toHaveReceivedCommandWith(DescribeStacksCommand, { StackName: 'parallelcluster-cluster2' });
    expect(cfn).toHaveReceivedCommandExactlyOnceWith(DeleteStackCommand, { StackName: idOf('parallelcluster-cluster1') });
  });

  it('leaves alone a same-named stack that ParallelCluster 3 did not make', async () => {
    cfn.on(DescribeStacksCommand).rejects(notFound('x'));
    cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).resolves({ Stacks: [stack('cluster1', 'CREATE_COMPLETE', { Tags: [] })] });
    const event = deleteEvent('cluster1,cluster2', PROPS);
    const answer = await onEvent(event);
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(await isComplete(completeEvent(event, answer))).toEqual({ IsComplete: true });
  });

  it('a DELETE_FAILED stack is asked once more, then the resource fails with the stack status reason', async () => {
    const { polled, started } = await teardownWithCluster1DeleteFailed();

    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [failedEvent('cluster1', new Date(started + 1_000)), failedEvent('cluster1', new Date(started - 86_400_000))],
    });
    expect(await isComplete(polled)).toEqual({ IsComplete: false });
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 2);

    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [failedEvent('cluster1', new Date(started + 60_000)), failedEvent('cluster1', new Date(started + 1_000))],
    });
    await expect(isComplete(polled)).rejects.toThrow(
      `Stack cluster1 (${idOf('cluster1')}) could not be deleted after 2 attempts: DELETE_FAILED: ${REASON}`,
    );
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 2);
  });

  it('nested stacks failing too do not use up the retry: failures are counted for the cluster stack only', async () => {
    const { polled, started } = await teardownWithCluster1DeleteFailed();

    // First failure: the cluster stack failed once, and so did two of its queue-group stacks (newest first).
    const firstRound = [
      failedEvent('cluster1', new Date(started + 2_000)),
      nestedFailedEvent('cluster1', 'QueueGroup0NestedStackResource', new Date(started + 1_500)),
      nestedFailedEvent('cluster1', 'QueueGroup1NestedStackResource', new Date(started + 1_000)),
    ];
    cfn.on(DescribeStackEventsCommand).resolves({ StackEvents: firstRound });
    expect(await isComplete(polled)).toEqual({ IsComplete: false });
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 2);

    // Second failure of the cluster stack itself: now the resource fails, naming 2 attempts (not 2 + nested).
    cfn.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        failedEvent('cluster1', new Date(started + 90_000)),
        nestedFailedEvent('cluster1', 'QueueGroup0NestedStackResource', new Date(started + 80_000)),
        ...firstRound,
      ],
    });
    await expect(isComplete(polled)).rejects.toThrow(
      `Stack cluster1 (${idOf('cluster1')}) could not be deleted after 2 attempts: DELETE_FAILED: ${REASON}`,
    );
    expect(cfn).toHaveReceivedCommandTimes(DeleteStackCommand, 2);
  });

  it('the wait is bounded by MaxWaitSeconds, naming the stacks still there', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).resolves({ Stacks: [stack('cluster1', 'CREATE_COMPLETE')] });
    cfn.on(DescribeStacksCommand, { StackName: 'cluster2' }).resolves({ Stacks: [stack('cluster2', 'DELETE_IN_PROGRESS')] });
    cfn.on(DescribeStacksCommand, { StackName: idOf('cluster1') }).resolves({ Stacks: [stack('cluster1', 'DELETE_IN_PROGRESS')] });
    cfn.on(DescribeStacksCommand, { StackName: idOf('cluster2') }).resolves({ Stacks: [stack('cluster2', 'DELETE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    const event = deleteEvent('cluster1,cluster2', { ...PROPS, MaxWaitSeconds: '600' });
    const answer = await onEvent(event);
    // cluster2 was already being deleted: not asked again.
    expect(cfn).toHaveReceivedCommandExactlyOnceWith(DeleteStackCommand, { StackName: idOf('cluster1') });
    const state = JSON.parse(answer['HpcHaTeardown'] as string) as { startedAt: string };
    state.startedAt = new Date(Date.now() - 601_000).toISOString();
    const late = completeEvent(event, { ...answer, HpcHaTeardown: JSON.stringify(state) });
    await expect(isComplete(late)).rejects.toThrow(/^Cluster stacks not deleted after 601 s \(limit 600 s\): cluster1 \(DELETE_IN_PROGRESS\)$/);
  });

  it('throttling during a poll defers to the next poll; a hung call times out within the Lambda budget', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).resolves({ Stacks: [stack('cluster1', 'CREATE_COMPLETE')] });
    cfn.on(DescribeStacksCommand, { StackName: 'cluster2' }).rejects(notFound('cluster2'));
    cfn.on(DeleteStackCommand).resolves({});
    const event = deleteEvent('cluster1,cluster2', PROPS);
    const answer = await onEvent(event);
    cfn.on(DescribeStacksCommand, { StackName: idOf('cluster1') }).rejects(throttled());
    expect(await isComplete(completeEvent(event, answer), lambdaContext(7_000))).toEqual({ IsComplete: false });

    cfn.on(DescribeStacksCommand, { StackName: 'cluster1' }).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(onEvent(deleteEvent('cluster1,cluster2', PROPS), lambdaContext(7_000))).rejects.toThrow(
      /^CloudFormation DescribeStacks failed: TimeoutError: no answer within \d+ ms$/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a failed Create (unreadable properties) deletes nothing; a real AccessDenied fails with the call named', async () => {
    const answer = await onEvent(deleteEvent('request-id-123', { ClusterNames: 'not-a-list' }));
    expect(answer.PhysicalResourceId).toBe('request-id-123');
    expect(cfn.calls()).toHaveLength(0);

    cfn.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform cloudformation:DescribeStacks', 403));
    await expect(onEvent(deleteEvent('cluster1,cluster2', PROPS))).rejects.toThrow(
      'CloudFormation DescribeStacks failed: AccessDenied: User is not authorized to perform cloudformation:DescribeStacks',
    );
  });

  it('rejects bad properties on Create with one error listing each problem', async () => {
    await expect(onEvent(createEvent({ ClusterNames: ['1bad', 'ok', 'ok'], ParallelClusterVersion: '4.0.0' }))).rejects.toThrow(
      /Invalid cluster teardown properties:\n {2}- ClusterNames\[0\]: "1bad" is not a ParallelCluster cluster name\n {2}- ClusterNames: has duplicates\n {2}- ParallelClusterVersion: must be a ParallelCluster 2\.x or 3\.x version/,
    );
  });

  it('logs one JSON object per line with the handler and request fields', () => {
    for (const entry of logs.entries()) {
      expect(entry).toMatchObject({ handler: 'cluster-teardown', requestType: expect.any(String), requestId: expect.any(String) });
    }
  });
});
