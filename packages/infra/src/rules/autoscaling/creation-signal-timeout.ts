import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import type { DeployTimeRule } from '../rule.js';
import { isoDurationSeconds } from './iso-duration.js';

export const CREATION_SIGNAL_MAX_SECONDS = 12 * 3600;

/**
 * A resource waits at most twelve hours for its creation signals: `CreationPolicy.ResourceSignal.Timeout` is at most
 * `PT12H`. Source: CloudFormation User Guide, "CreationPolicy attribute" (Timeout: the maximum is 12 hours).
 */
export const creationSignalTimeout: DeployTimeRule = {
  id: 'CreationSignalTimeout',
  info: "The resource waits longer for its creation signals than CloudFormation's twelve hours (Timeout over PT12H).",
  explanation: 'CloudFormation refuses the creation policy. Source: CloudFormation User Guide, CreationPolicy attribute, ResourceSignal Timeout.',
  check(node: CfnResource) {
    const timeout = node.cfnOptions.creationPolicy?.resourceSignal?.timeout;
    if (timeout === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const seconds = isoDurationSeconds(timeout);
    if (seconds === undefined) return [`Timeout ${String(timeout)} is not an ISO 8601 duration PT#H#M#S`];
    return seconds > CREATION_SIGNAL_MAX_SECONDS ? [`Timeout ${timeout} > PT12H`] : NagRuleCompliance.COMPLIANT;
  },
};
