import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { awsCall } from '../runtime/aws-call.js';
import { AwsCallError, errorMessage } from '../runtime/errors.js';
import { deleteWaiter, onEventHandler, type HandlerContext } from '../runtime/handler.js';
import { PropertyErrors } from '../runtime/props.js';
import type { OnEventResponse } from '../runtime/provider.js';
import { CLUSTER_TEARDOWN_ATTRIBUTES, CLUSTER_TEARDOWN_DEFAULTS, CLUSTER_TEARDOWN_PROPERTIES } from '../properties.js';
import { parseTeardownProps, stackNameFor, type TeardownProps } from './props.js';

// Region, credentials and endpoint (AWS_ENDPOINT_URL) come from the environment when first used.
const cfn = new CloudFormationClient({});

const ON_EVENT_BUDGET_MS = 120_000;
const IS_COMPLETE_BUDGET_MS = 60_000;
/** A stack whose deletion failed is asked once more; a second failure fails the resource. */
const DELETE_ATTEMPTS = 2;
/** ParallelCluster v3 tags its cluster stack with this; a same-named stack without it is not ours. */
const PCLUSTER_TAG = 'parallelcluster:version';

/** State carried from onEvent to isComplete (a top-level field, so it never becomes an attribute). */
const STATE_FIELD = 'HpcHaTeardown';

interface TrackedStack {
  name: string;
  id: string;
}

interface TeardownState {
  startedAt: string;
  stacks: TrackedStack[];
}

/**
 * Create/Update → record the cluster names (physical id = the names, comma-separated).
 * Delete → delete each cluster's CloudFormation stack that exists; isComplete waits until all are
 * DELETE_COMPLETE or gone, asks once more for a stack that ends DELETE_FAILED, and then fails with
 * that stack's status reason.
 */
export const onEvent = onEventHandler('cluster-teardown', ON_EVENT_BUDGET_MS, async (event, ctx): Promise<OnEventResponse> => {
  if (event.RequestType !== 'Delete') {
    const props = parseTeardownProps(event.ResourceProperties);
    const stackNames = props.clusterNames.map((name) => stackNameFor(name, props.major));
    ctx.log.info('clusters recorded', { clusterNames: props.clusterNames, stackNames });
    return {
      PhysicalResourceId: props.clusterNames.join(','),
      Data: {
        [CLUSTER_TEARDOWN_ATTRIBUTES.clusterNames]: props.clusterNames.join(','),
        [CLUSTER_TEARDOWN_ATTRIBUTES.stackNames]: stackNames.join(','),
      },
    };
  }

  let props: TeardownProps;
  try {
    props = parseTeardownProps(event.ResourceProperties);
  } catch (error) {
    // Only a Create that failed validation has unreadable properties; it created nothing.
    ctx.log.warn('properties unreadable on Delete; nothing to tear down', { error: errorMessage(error) });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const state: TeardownState = { startedAt: new Date().toISOString(), stacks: [] };
  for (const clusterName of props.clusterNames) {
    const name = stackNameFor(clusterName, props.major);
    const stack = await describeStack(name, ctx);
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
      ctx.log.info('no stack to delete', { clusterName, stackName: name });
      continue;
    }
    if (props.major === 3 && !stack.Tags?.some((tag) => tag.Key === PCLUSTER_TAG)) {
      ctx.log.warn('stack has the cluster name but is not a ParallelCluster stack; left alone', { stackName: name, stackId: stack.StackId });
      continue;
    }
    const tracked = { name, id: stack.StackId ?? name };
    if (stack.StackStatus !== 'DELETE_IN_PROGRESS') await deleteStack(tracked, ctx);
    state.stacks.push(tracked);
  }
  ctx.log.info('teardown started', { stacks: state.stacks });
  return { PhysicalResourceId: event.PhysicalResourceId, [STATE_FIELD]: JSON.stringify(state) };
});

export const isComplete = deleteWaiter({ handler: 'cluster-teardown', budgetMs: IS_COMPLETE_BUDGET_MS }, async (event, ctx) => {
  const state = readState((event as Record<string, unknown>)[STATE_FIELD]);
  if (!state || state.stacks.length === 0) return { IsComplete: true };
  const maxWaitSeconds = maxWait(event.ResourceProperties);
  const waitedMs = Date.now() - Date.parse(state.startedAt);

  // Throttling that outlasts this poll's retries defers to the next poll (see deleteWaiter).
  const pending: string[] = [];
  for (const tracked of state.stacks) {
    const status = await pollStack(tracked, state, ctx);
    if (status !== 'gone') pending.push(`${tracked.name} (${status})`);
  }
  if (pending.length === 0) {
    ctx.log.info('all cluster stacks deleted', { stacks: state.stacks.map((s) => s.name) });
    return { IsComplete: true };
  }
  if (waitedMs > maxWaitSeconds * 1000) {
    throw new Error(
      `Cluster stacks not deleted after ${Math.round(waitedMs / 1000)} s (limit ${maxWaitSeconds} s): ${pending.join(', ')}`,
    );
  }
  ctx.log.info('waiting for cluster stacks', { pending, waitedMs });
  return { IsComplete: false };
});

function readState(raw: unknown): TeardownState | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as TeardownState;
    return Array.isArray(parsed.stacks) && typeof parsed.startedAt === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Read leniently: the wait limit must not be what fails a Delete. */
function maxWait(raw: Readonly<Record<string, unknown>> | undefined): number {
  return new PropertyErrors(raw ?? {}).integer(
    CLUSTER_TEARDOWN_PROPERTIES.maxWaitSeconds,
    CLUSTER_TEARDOWN_DEFAULTS.maxWaitSeconds,
    60,
    3600,
  );
}

/** 'gone' when deleted; otherwise the stack's current status. Retries or fails a DELETE_FAILED stack. */
async function pollStack(tracked: TrackedStack, state: TeardownState, ctx: HandlerContext): Promise<string> {
  // By stack id: a deleted stack stays describable (DELETE_COMPLETE), and a new stack that reuses the name is not confused with it.
  const stack = await describeStack(tracked.id, ctx);
  const status = stack?.StackStatus;
  if (!stack || status === 'DELETE_COMPLETE') return 'gone';
  if (status === 'DELETE_FAILED') {
    const failures = await countDeleteFailures(tracked, state.startedAt, ctx);
    if (failures < DELETE_ATTEMPTS) {
      ctx.log.warn('stack deletion failed; asking once more', { stackName: tracked.name, reason: stack.StackStatusReason });
      await deleteStack(tracked, ctx);
      return 'DELETE_IN_PROGRESS';
    }
    throw new Error(
      `Stack ${tracked.name} (${tracked.id}) could not be deleted after ${failures} attempts: DELETE_FAILED: ` +
        `${stack.StackStatusReason ?? 'no reason given'}`,
    );
  }
  if (status !== 'DELETE_IN_PROGRESS') {
    // Someone else's operation was running when we asked, or the request was lost: ask again.
    ctx.log.warn('stack is not being deleted; asking again', { stackName: tracked.name, status });
    await deleteStack(tracked, ctx);
  }
  return status ?? 'UNKNOWN';
}

async function describeStack(nameOrId: string, ctx: HandlerContext): Promise<Stack | undefined> {
  try {
    const result = await awsCall(
      'CloudFormation DescribeStacks',
      (abortSignal) => cfn.send(new DescribeStacksCommand({ StackName: nameOrId }), { abortSignal }),
      { ...ctx, expectedErrors: ['ValidationError'] },
    );
    return result.Stacks?.[0];
  } catch (error) {
    // CloudFormation reports an unknown stack as a ValidationError "Stack with id X does not exist".
    if (error instanceof AwsCallError && error.causeName === 'ValidationError' && /does not exist/i.test(error.reason)) {
      return undefined;
    }
    throw error;
  }
}

async function deleteStack(tracked: TrackedStack, ctx: HandlerContext): Promise<void> {
  await awsCall(
    'CloudFormation DeleteStack',
    (abortSignal) => cfn.send(new DeleteStackCommand({ StackName: tracked.id }), { abortSignal }),
    ctx,
  );
  ctx.log.info('stack deletion requested', { stackName: tracked.name, stackId: tracked.id });
}

/**
 * DELETE_FAILED events of the cluster stack itself since the teardown began (newest first, so stop at older ones).
 * A stack's event list also holds the events of its nested stacks (ParallelCluster's cluster stack has some), with
 * the same resource type: only an event whose physical id is the stack's own id is a failure of this stack.
 */
async function countDeleteFailures(tracked: TrackedStack, since: string, ctx: HandlerContext): Promise<number> {
  const sinceMs = Date.parse(since);
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await awsCall(
      'CloudFormation DescribeStackEvents',
      (abortSignal) => cfn.send(new DescribeStackEventsCommand({ StackName: tracked.id, NextToken: nextToken }), { abortSignal }),
      ctx,
    );
    for (const e of page.StackEvents ?? []) {
      if (e.Timestamp && e.Timestamp.getTime() < sinceMs) return count;
      if (isOwnEvent(e) && e.ResourceStatus === 'DELETE_FAILED') count += 1;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return count;
}

/** An event of the stack itself: its physical id is the stack's id (a nested stack's event carries the nested stack's id). */
function isOwnEvent(e: StackEvent): boolean {
  return e.ResourceType === 'AWS::CloudFormation::Stack' && e.StackId !== undefined && e.PhysicalResourceId === e.StackId;
}
