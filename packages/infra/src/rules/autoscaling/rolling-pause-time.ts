import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import type { DeployTimeRule } from '../rule.js';
import { isoDurationSeconds } from './iso-duration.js';

export const ROLLING_PAUSE_MAX_SECONDS = 3600;

/**
 * A rolling update waits at most one hour per batch: `AutoScalingRollingUpdate.PauseTime` is at most `PT1H`, also
 * when it is the time CloudFormation waits for the new instances' signals (`WaitOnResourceSignals`). Source:
 * CloudFormation User Guide, "UpdatePolicy attribute" (PauseTime: the maximum is one hour).
 */
export const autoScalingRollingPauseTime: DeployTimeRule = {
  id: 'AutoScalingRollingPauseTime',
  info: 'The Auto Scaling group\'s rolling update pauses longer than CloudFormation\'s one hour (PauseTime over PT1H).',
  explanation:
    'CloudFormation refuses the update policy. A node that needs longer to signal must do less before it signals (join slow dependencies later) rather than wait longer. Source: CloudFormation User Guide, UpdatePolicy attribute, PauseTime.',
  check(node: CfnResource) {
    if (!(node instanceof CfnAutoScalingGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    const pause = node.cfnOptions.updatePolicy?.autoScalingRollingUpdate?.pauseTime;
    if (pause === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const seconds = isoDurationSeconds(pause);
    if (seconds === undefined) return [`PauseTime ${String(pause)} is not an ISO 8601 duration PT#H#M#S`];
    return seconds > ROLLING_PAUSE_MAX_SECONDS ? [`PauseTime ${pause} > PT1H`] : NagRuleCompliance.COMPLIANT;
  },
};
