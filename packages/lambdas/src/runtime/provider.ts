import type {
  CdkCustomResourceEvent,
  CdkCustomResourceIsCompleteEvent,
  CdkCustomResourceIsCompleteResponse,
  CdkCustomResourceResponse,
} from 'aws-lambda';

/**
 * The Provider framework (aws-cdk-lib/custom-resources) calls `onEvent` and then, until it answers
 * IsComplete: true, `isComplete` with the onEvent event merged with what onEvent returned. Extra
 * top-level fields of the onEvent answer reach isComplete too; the handlers use that to carry
 * state (when the wait began) without a store.
 */
export type OnEventRequest = CdkCustomResourceEvent<Record<string, unknown>>;
export type OnEventResponse = CdkCustomResourceResponse<Record<string, string>>;
export type IsCompleteRequest = CdkCustomResourceIsCompleteEvent<Record<string, unknown>, Record<string, string>>;
export type IsCompleteResponse = CdkCustomResourceIsCompleteResponse<Record<string, string>>;

/** The fields every log line of one request carries. */
export function requestFields(event: OnEventRequest | IsCompleteRequest): Record<string, unknown> {
  return {
    requestType: event.RequestType,
    requestId: event.RequestId,
    logicalResourceId: event.LogicalResourceId,
    stackId: event.StackId,
    physicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : undefined,
  };
}
