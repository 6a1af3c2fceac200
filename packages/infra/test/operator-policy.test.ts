/**
 * ParallelCluster's operator policy in instance mode: split under IAM's limit, narrowed to this deployment's cluster
 * names where ParallelCluster names resources after them, and acknowledged for exactly its own wildcards.
 */
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parallelClusterOperatorStatements, ParallelClusterOperatorPolicies } from '../src/constructs/parallelcluster-iam.js';
import { policyLength } from '../src/rules/estimate.js';
import { MANAGED_POLICY_MAX_CHARS } from '../src/rules/iam/managed-policy-size.js';

const NAMES = ['hpcha-cluster1', 'hpcha-cluster2'];

function build(extra?: PolicyStatement) {
  const stack = new Stack(new App(), 'EnginFrame', { env: { region: 'cn-north-1' } });
  const statements = parallelClusterOperatorStatements(stack, 'aws-cn', NAMES);
  const operator = new ParallelClusterOperatorPolicies(stack, 'ParallelClusterOperator', { statements, description: 'test', wildcardReason: 'vendor policy' });
  if (extra) operator.policies[0]!.addStatements(extra);
  return { stack, statements, operator };
}

const doc = (stack: Stack, statements: PolicyStatement[]) => stack.resolve({ Version: '2012-10-17', Statement: statements.map((s) => s.toStatementJson()) });

describe('ParallelClusterOperatorPolicies', () => {
  it('would not fit one managed policy, and is split into parts that each do, every statement kept once in order', () => {
    const { stack, statements, operator } = build();
    expect(policyLength(doc(stack, statements))).toBeGreaterThan(MANAGED_POLICY_MAX_CHARS);
    expect(operator.policies.length).toBeGreaterThan(1);
    const parts = operator.policies.map((p) => stack.resolve(p.document.toJSON()) as { Statement: { Sid: string }[] });
    for (const part of parts) expect(policyLength(part)).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
    expect(parts.flatMap((p) => p.Statement.map((s) => s.Sid))).toEqual(statements.map((s) => s.sid));
  });

  it("narrows stacks, the DynamoDB table and IAM roles/instance profiles to the deployment's cluster names", () => {
    const { stack, statements } = build();
    const resources = (sid: string) => JSON.stringify(stack.resolve(statements.find((s) => s.sid === sid)!.toStatementJson().Resource));
    for (const sid of ['CloudFormationCreateAndUpdate', 'CloudFormationReadAndDelete']) {
      expect(resources(sid)).toContain(':stack/hpcha-cluster1/*');
      expect(resources(sid)).toContain(':stack/hpcha-cluster2-*/*');
      expect(resources(sid)).not.toContain(':stack/*');
    }
    expect(resources('DynamoDB')).toContain(':table/parallelcluster-hpcha-cluster1"');
  });

  it("without a ResourcePrefix allows every /parallelcluster/ role: ParallelCluster's Lambda roles are not under the cluster's name", () => {
    const { stack, statements } = build();
    const resources = (sid: string) => JSON.stringify(stack.resolve(statements.find((s) => s.sid === sid)!.toStatementJson().Resource));
    for (const sid of ['IamPassRole', 'IamRole', 'IamPolicy']) expect(resources(sid)).toContain(':role/parallelcluster/*"');
  });

  it('with each cluster\'s ResourcePrefix allows exactly the roles and instance profiles ParallelCluster builds from it', () => {
    const stack = new Stack(new App(), 'EnginFrame', { env: { region: 'cn-north-1' } });
    const clusters = NAMES.map((name) => ({ name, resourcePrefix: `/hpc-ha/cn-north-1/${name}/` }));
    const statements = parallelClusterOperatorStatements(stack, 'aws-cn', clusters);
    const resources = (sid: string) => stack.resolve(statements.find((s) => s.sid === sid)!.toStatementJson().Resource) as unknown;
    const arn = (part: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${part}`]] });
    const roles = NAMES.map((n) => arn(`role/hpc-ha/cn-north-1/${n}/*`));
    for (const sid of ['IamPassRole', 'IamRole', 'IamPolicy']) expect(resources(sid)).toEqual(roles);
    expect(resources('IamInstanceProfile')).toEqual(NAMES.map((n) => arn(`instance-profile/hpc-ha/cn-north-1/${n}/${n}/*`)));
    // What ParallelCluster creates for cluster1 (Lambda role under the path, node role under <path><cluster>/) is
    // matched; the other cluster's, and ParallelCluster's default path, are not.
    const allowed = (roleArn: string) => (resources('IamRole') as ReturnType<typeof arn>[]).some((r) => globMatch(r['Fn::Join'][1].at(-1) as string, roleArn));
    expect(allowed(':role/hpc-ha/cn-north-1/hpcha-cluster1/hpcha-cluster1-CleanupResourcesRole-AbC123')).toBe(true);
    expect(allowed(':role/hpc-ha/cn-north-1/hpcha-cluster1/hpcha-cluster1/hpcha-cluster1-RoleHeadNode-XyZ789')).toBe(true);
    expect(allowed(':role/hpc-ha/cn-north-1/hpcha-cluster10/x')).toBe(false);
    expect(allowed(':role/parallelcluster/hpcha-cluster1-CleanupResourcesRole-AbC123')).toBe(false);
    expect(allowed(':role/hpc-ha/cn-northwest-1/hpcha-cluster1/x')).toBe(false);
  });

  it('acknowledges the wildcards of its own statements only: a wildcard added later is still reported', () => {
    const findings = (extra?: PolicyStatement) => {
      const { stack } = build(extra);
      return new AwsSolutionsChecks().validateScope(stack).violations.map((v) => v.ruleName);
    };
    expect(findings()).toEqual([]);
    expect(findings(new PolicyStatement({ actions: ['sqs:*'], resources: ['arn:aws-cn:sqs:cn-north-1:123456789012:q'] }))).toEqual(['AwsSolutions-IAM5[Action::sqs:*]']);
  });
});

/** IAM's ARN matching: `*` matches any run of characters, `/` included. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}
