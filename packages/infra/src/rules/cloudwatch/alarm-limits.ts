import { Stack, type CfnResource } from 'aws-cdk-lib';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { NagRuleCompliance } from 'cdk-nag';
import { renderEstimate, resolved, stackContext } from '../estimate.js';
import { fmt, type DeployTimeRule } from '../rule.js';

export const ALARM_NAME_MAX = 255;
export const ALARM_DESCRIPTION_MAX = 1024;
export const ALARM_ACTIONS_MAX = 5;

/**
 * What PutMetricAlarm refuses: a name over 255 characters, a description over 1,024 (the descriptions here say what
 * to do, and grow), more than 5 actions for one state. Source: Amazon CloudWatch API Reference, PutMetricAlarm
 * (AlarmName, AlarmDescription, AlarmActions/OKActions/InsufficientDataActions: maximum 5 items).
 */
export const cloudWatchAlarmLimits: DeployTimeRule = {
  id: 'CloudWatchAlarmLimits',
  info: `The alarm's name is over ${ALARM_NAME_MAX} characters, its description over ${fmt(ALARM_DESCRIPTION_MAX)}, or a state has more than ${ALARM_ACTIONS_MAX} actions.`,
  explanation: 'CloudWatch refuses PutMetricAlarm with any of these, and the stack rolls back. Source: CloudWatch API Reference, PutMetricAlarm.',
  check(node: CfnResource) {
    if (!(node instanceof CfnAlarm)) return NagRuleCompliance.NOT_APPLICABLE;
    const context = stackContext(Stack.of(node));
    const length = (value: unknown) => (value === undefined ? 0 : renderEstimate(resolved(node, value), context).length);
    const findings: string[] = [];
    const name = length(node.alarmName);
    if (name > ALARM_NAME_MAX) findings.push(`name ${fmt(name)} characters > ${ALARM_NAME_MAX}`);
    const description = length(node.alarmDescription);
    if (description > ALARM_DESCRIPTION_MAX) findings.push(`description ${fmt(description)} characters > ${fmt(ALARM_DESCRIPTION_MAX)}`);
    for (const [state, actions] of [['ALARM', node.alarmActions], ['OK', node.okActions], ['INSUFFICIENT_DATA', node.insufficientDataActions]] as const) {
      const count = (resolved(node, actions) as unknown[] | undefined)?.length ?? 0;
      if (count > ALARM_ACTIONS_MAX) findings.push(`${count} ${state} actions > ${ALARM_ACTIONS_MAX}`);
    }
    return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
  },
};
