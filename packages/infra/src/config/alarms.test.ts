import { describe, expect, it } from 'vitest';
import { ALARM_IDS, alarmName, alarmNamePrefix, dashboardName, monitoredCertificate } from './alarms.js';
import { monitoringAlarmCount } from './plan/resources.js';

describe('alarm names', () => {
  it('one deployment\'s prefix never matches another deployment\'s alarms (names are [a-z0-9-], the prefix ends in /)', () => {
    for (const id of ALARM_IDS) {
      expect(alarmName('hpc-x', id).startsWith(alarmNamePrefix('hpc'))).toBe(false);
      expect(alarmName('hpc', id).startsWith(alarmNamePrefix('hpc'))).toBe(true);
      expect(alarmName('abcdefghijklmnopqrstuvwx', id).length).toBeLessThanOrEqual(255);
    }
    expect(dashboardName('hpc-x')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe('which certificate is watched', () => {
  const lb = (certificateArn?: string) => ({ loadBalancer: { internetFacing: false, allowedCidrs: ['10.0.0.0/8'], certificateArn } });

  it('the self-signed one (ACM, renewed by hpc-ha), an own ACM one, not an IAM server certificate (no DaysToExpiry)', () => {
    expect(monitoredCertificate(lb())).toEqual({ selfSigned: true, acm: true });
    expect(monitoredCertificate(lb('arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc'))).toEqual({ selfSigned: false, acm: true });
    expect(monitoredCertificate(lb('arn:aws-cn:iam::123456789012:server-certificate/portal'))).toEqual({ selfSigned: false, acm: false });
  });

  it('counts the alarms the Monitoring stack creates for each case', () => {
    type Input = Parameters<typeof monitoringAlarmCount>[0];
    const count = (certificateArn: string | undefined, provisioner: 'cloudformation' | 'instance') =>
      monitoringAlarmCount({ ...lb(certificateArn), clusters: { provisioner } } as Input);
    expect(count(undefined, 'cloudformation')).toBe(10);
    expect(count('arn:aws:acm:us-east-1:123456789012:certificate/abc', 'cloudformation')).toBe(8);
    expect(count('arn:aws:iam::123456789012:server-certificate/p', 'instance')).toBe(5);
  });
});
