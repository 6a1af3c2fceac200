import type { IsCompleteRequest, OnEventRequest } from '../../src/runtime/provider.js';

const STACK_ID = 'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/hpc-ha-ALB/0f6a8e10-0000-4000-8000-000000000001';
let counter = 0;

function requestId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

function base(logicalId: string) {
  return {
    ServiceToken: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:framework-onEvent',
    ResponseURL: 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x',
    StackId: STACK_ID,
    RequestId: requestId(),
    LogicalResourceId: logicalId,
    ResourceType: 'Custom::Test',
  };
}

export function createEvent(props: Record<string, unknown>, logicalId = 'Resource'): OnEventRequest {
  return { ...base(logicalId), RequestType: 'Create', ResourceProperties: { ServiceToken: 'x', ...props } } as OnEventRequest;
}

export function updateEvent(
  physicalId: string,
  props: Record<string, unknown>,
  oldProps: Record<string, unknown>,
  logicalId = 'Resource',
): OnEventRequest {
  return {
    ...base(logicalId),
    RequestType: 'Update',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'x', ...props },
    OldResourceProperties: { ServiceToken: 'x', ...oldProps },
  } as OnEventRequest;
}

export function deleteEvent(physicalId: string, props: Record<string, unknown>, logicalId = 'Resource'): OnEventRequest {
  return {
    ...base(logicalId),
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ServiceToken: 'x', ...props },
  } as OnEventRequest;
}

/** What the Provider framework hands isComplete: the onEvent event merged with onEvent's answer. */
export function completeEvent(event: OnEventRequest, answer: Record<string, unknown>): IsCompleteRequest {
  return { ...event, ...answer } as IsCompleteRequest;
}

/** A Lambda context whose remaining time runs down from `ms`. */
export function lambdaContext(ms: number): { getRemainingTimeInMillis: () => number } {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) };
}
