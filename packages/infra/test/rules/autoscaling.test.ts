/** Auto Scaling update and creation policy limits that CloudFormation enforces only when it deploys the stack. */
import { describe, expect, it } from 'vitest';
import type { Stack } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { autoScalingMinInService } from '../../src/rules/autoscaling/min-in-service.js';
import { autoScalingRollingPauseTime } from '../../src/rules/autoscaling/rolling-pause-time.js';
import { creationSignalTimeout } from '../../src/rules/autoscaling/creation-signal-timeout.js';
import { violations } from './support.js';

const group = (opts: { pause?: string; minInService?: number; maxSize?: string; timeout?: string }) => (_app: unknown, stack: Stack) => {
  const g = new CfnAutoScalingGroup(stack, 'Group', { maxSize: opts.maxSize ?? '1', minSize: '1', availabilityZones: ['cn-north-1a'] });
  g.cfnOptions.updatePolicy = {
    autoScalingRollingUpdate: { maxBatchSize: 1, minInstancesInService: opts.minInService ?? 0, pauseTime: opts.pause, waitOnResourceSignals: true },
  };
  if (opts.timeout) g.cfnOptions.creationPolicy = { resourceSignal: { count: 1, timeout: opts.timeout } };
};

describe('HpcHa-AutoScalingRollingPauseTime (PT1H)', { timeout: 120_000 }, () => {
  it('passes PT1H and PT45M', () => {
    expect(violations(autoScalingRollingPauseTime, group({ pause: 'PT1H' }))).toEqual([]);
    expect(violations(autoScalingRollingPauseTime, group({ pause: 'PT45M' }))).toEqual([]);
  });
  it('fails PT1H30M, the pause the portal nodes had before', () =>
    expect(violations(autoScalingRollingPauseTime, group({ pause: 'PT1H30M' }))).toEqual(['HpcHa-AutoScalingRollingPauseTime[PauseTime PT1H30M > PT1H] Test/Group']));
  it('fails PT60M1S and a value that is no duration', () => {
    expect(violations(autoScalingRollingPauseTime, group({ pause: 'PT60M1S' }))).toHaveLength(1);
    expect(violations(autoScalingRollingPauseTime, group({ pause: '90 minutes' }))).toEqual([
      'HpcHa-AutoScalingRollingPauseTime[PauseTime 90 minutes is not an ISO 8601 duration PT#H#M#S] Test/Group',
    ]);
  });
});

describe('HpcHa-AutoScalingMinInService (< MaxSize)', () => {
  it('passes a group of one that keeps none in service', () => expect(violations(autoScalingMinInService, group({ minInService: 0 }))).toEqual([]));
  it('fails a group of one that must keep one in service', () =>
    expect(violations(autoScalingMinInService, group({ minInService: 1 }))).toEqual(['HpcHa-AutoScalingMinInService[MinInstancesInService 1 >= MaxSize 1] Test/Group']));
  it('passes 1 in service of at most 2', () => expect(violations(autoScalingMinInService, group({ minInService: 1, maxSize: '2' }))).toEqual([]));
});

describe('HpcHa-CreationSignalTimeout (PT12H)', () => {
  it('passes the instance-mode first boot of 2.5 hours', () => expect(violations(creationSignalTimeout, group({ timeout: 'PT2H30M' }))).toEqual([]));
  it('fails PT13H', () => expect(violations(creationSignalTimeout, group({ timeout: 'PT13H' }))).toEqual(['HpcHa-CreationSignalTimeout[Timeout PT13H > PT12H] Test/Group']));
});
