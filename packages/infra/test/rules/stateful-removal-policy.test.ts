/** HpcHa-StatefulRemovalPolicy: resources that hold data keep them unless the deployment is disposable. */
import { describe, expect, it } from 'vitest';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystem } from 'aws-cdk-lib/aws-efs';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnDBInstance } from 'aws-cdk-lib/aws-rds';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { cfnStatefulRemovalPolicy, DISPOSABLE_CONTEXT } from '../../src/rules/cloudformation/stateful-removal-policy.js';
import { violations } from './support.js';

const rule = cfnStatefulRemovalPolicy;

describe('HpcHa-StatefulRemovalPolicy', () => {
  it('passes Retain chosen on purpose, and an Aurora member instance (its data is the cluster\'s)', () => {
    expect(
      violations(rule, (_app, stack) => {
        new Secret(stack, 'Kept', { removalPolicy: RemovalPolicy.RETAIN });
        const vpc = new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
        new FileSystem(stack, 'Efs', { vpc, removalPolicy: RemovalPolicy.RETAIN });
        // An Aurora cluster's instance: its data is the cluster's (whose policy is Snapshot).
        new CfnDBInstance(stack, 'AuroraMember', { dbInstanceClass: 'db.serverless', engine: 'aurora-mysql', dbClusterIdentifier: 'cluster' });
      }),
    ).toEqual([]);
  });

  it('fails a resource left on the default (unset: CloudFormation deletes) and Delete outside a disposable deployment', () => {
    const found = violations(rule, (_app, stack) => {
      new CfnLogGroup(stack, 'Unset', {});
      new Secret(stack, 'Deleted', { removalPolicy: RemovalPolicy.DESTROY });
    });
    expect(found.sort()).toEqual([
      'HpcHa-StatefulRemovalPolicy[DeletionPolicy Delete without disposable: true] Test/Deleted/Resource',
      'HpcHa-StatefulRemovalPolicy[DeletionPolicy unset (CloudFormation deletes by default)] Test/Unset',
      'HpcHa-StatefulRemovalPolicy[UpdateReplacePolicy Delete without disposable: true] Test/Deleted/Resource',
      'HpcHa-StatefulRemovalPolicy[UpdateReplacePolicy unset (CloudFormation deletes by default)] Test/Unset',
    ]);
  });

  it('with disposable: true, Delete is allowed but must still be set', () => {
    const found = violations(
      rule,
      (_app, stack) => {
        new CfnLogGroup(stack, 'Unset', {});
        new Secret(stack, 'Deleted', { removalPolicy: RemovalPolicy.DESTROY });
      },
      { [DISPOSABLE_CONTEXT]: true },
    );
    expect(found.every((f) => f.endsWith('Test/Unset'))).toBe(true);
    expect(found).toHaveLength(2);
  });

  it('says exactly what to set', () => {
    expect(rule.info).toContain('removalPolicy: statefulRemovalPolicy(config)');
    expect(rule.info).toContain('RemovalPolicy.SNAPSHOT');
  });
});
