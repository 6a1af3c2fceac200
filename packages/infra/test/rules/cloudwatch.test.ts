/** CloudWatch rules: a compliant and a non-compliant alarm for each limit. */
import { describe, expect, it } from 'vitest';
import { Fn, type Stack } from 'aws-cdk-lib';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { cloudWatchAlarmLimits } from '../../src/rules/cloudwatch/alarm-limits.js';
import { violations } from './support.js';

const metric = new Metric({ namespace: 'AWS/EC2', metricName: 'StatusCheckFailed' });

function alarm(stack: Stack, props: { name?: string; description?: string; actions?: number }) {
  const a = new Alarm(stack, 'Alarm', { metric, threshold: 1, evaluationPeriods: 1, alarmName: props.name, alarmDescription: props.description });
  for (let i = 0; i < (props.actions ?? 0); i++) a.addAlarmAction(new SnsAction(new Topic(stack, `Topic${i}`)));
}

describe('HpcHa-CloudWatchAlarmLimits (name 255, description 1,024, 5 actions per state)', () => {
  it('passes a 255-character name, a 1,024-character description and 5 actions', () => {
    expect(violations(cloudWatchAlarmLimits, (_app, stack) => alarm(stack, { name: 'n'.repeat(255), description: 'd'.repeat(1024), actions: 5 }))).toEqual([]);
  });

  it('fails each limit exceeded, naming the value and the limit', () => {
    expect(violations(cloudWatchAlarmLimits, (_app, stack) => alarm(stack, { name: 'n'.repeat(256) }))).toEqual([
      'HpcHa-CloudWatchAlarmLimits[name 256 characters > 255] Test/Alarm/Resource',
    ]);
    expect(violations(cloudWatchAlarmLimits, (_app, stack) => alarm(stack, { description: 'd'.repeat(1025) }))).toEqual([
      'HpcHa-CloudWatchAlarmLimits[description 1,025 characters > 1,024] Test/Alarm/Resource',
    ]);
    expect(violations(cloudWatchAlarmLimits, (_app, stack) => alarm(stack, { actions: 6 }))).toEqual([
      'HpcHa-CloudWatchAlarmLimits[6 ALARM actions > 5] Test/Alarm/Resource',
    ]);
  });

  it('counts a description built from deploy-time values at their longest', () => {
    expect(violations(cloudWatchAlarmLimits, (_app, stack) => alarm(stack, { description: `${'d'.repeat(1000)}${Fn.importValue('elsewhere')}` }))).toHaveLength(1);
  });
});
