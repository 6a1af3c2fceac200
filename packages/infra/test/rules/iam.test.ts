/** IAM rules: each with a compliant and a non-compliant construct (cdk-nag's test style). */
import { describe, expect, it } from 'vitest';
import { AccountPrincipal, ArnPrincipal, CompositePrincipal, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Stack } from 'aws-cdk-lib';
import { iamManagedPolicySize } from '../../src/rules/iam/managed-policy-size.js';
import { iamRoleInlinePoliciesSize } from '../../src/rules/iam/inline-policies-size.js';
import { iamTrustPolicySize } from '../../src/rules/iam/trust-policy-size.js';
import { iamManagedPoliciesPerRole } from '../../src/rules/iam/managed-policies-per-role.js';
import { violations } from './support.js';

/** A statement of about `chars` characters once whitespace is removed. */
function statement(stack: Stack, i: number, chars: number): PolicyStatement {
  const name = `bucket-${i}-`.padEnd(Math.max(10, chars - 80), 'x');
  return new PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${stack.partition}:s3:::${name}/*`] });
}

describe('HpcHa-IAMManagedPolicySize (6,144 characters)', () => {
  it('passes a policy just under the limit', () => {
    expect(violations(iamManagedPolicySize, (_app, stack) => new ManagedPolicy(stack, 'Small', { statements: [statement(stack, 0, 5900)] }))).toEqual([]);
  });

  it('fails a policy over the limit, naming the construct and both sizes', () => {
    const found = violations(iamManagedPolicySize, (_app, stack) => new ManagedPolicy(stack, 'Big', { statements: [statement(stack, 0, 3200), statement(stack, 1, 3200)] }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^HpcHa-IAMManagedPolicySize\[6,\d{3} characters > 6,144\] Test\/Big\/Resource$/);
  });

  it('does not count whitespace, as IAM does not', () => {
    const spaced = (_app: unknown, stack: Stack) =>
      new ManagedPolicy(stack, 'Spaced', {
        statements: [new PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws-cn:s3:::b/${' '.repeat(7000)}`] })],
      });
    expect(violations(iamManagedPolicySize, spaced)).toEqual([]);
  });
});

describe('HpcHa-IAMRoleInlinePoliciesSize (10,240 characters per role)', () => {
  const role = (stack: Stack) => new Role(stack, 'Role', { assumedBy: new ServicePrincipal('ec2') });

  it('passes a role whose inline policies stay under the aggregate', () => {
    expect(violations(iamRoleInlinePoliciesSize, (_app, stack) => role(stack).addToPolicy(statement(stack, 0, 9000)))).toEqual([]);
  });

  it('fails a role whose AWS::IAM::Policy statements together pass the aggregate', () => {
    const found = violations(iamRoleInlinePoliciesSize, (_app, stack) => {
      const r = role(stack);
      for (let i = 0; i < 3; i++) r.addToPolicy(statement(stack, i, 3600));
    });
    expect(found).toEqual([expect.stringMatching(/^HpcHa-IAMRoleInlinePoliciesSize\[10,\d{3} characters > 10,240\] Test\/Role\/Resource$/)]);
  });
});

describe('HpcHa-IAMTrustPolicySize (2,048 characters)', () => {
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => new AccountPrincipal(String(100000000000 + i)));

  it('passes an ordinary service trust policy', () => {
    expect(violations(iamTrustPolicySize, (_app, stack) => new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda') }))).toEqual([]);
  });

  it('fails a trust policy naming too many principals', () => {
    const found = violations(iamTrustPolicySize, (_app, stack) =>
      new Role(stack, 'Role', { assumedBy: new CompositePrincipal(...accounts(40), new ArnPrincipal(`arn:aws-cn:iam::123456789012:role/${'r'.repeat(50)}`)) }),
    );
    expect(found).toEqual([expect.stringMatching(/^HpcHa-IAMTrustPolicySize\[\d,\d{3} characters > 2,048\] Test\/Role\/Resource$/)]);
  });
});

describe('HpcHa-IAMManagedPoliciesPerRole (10)', () => {
  const attach = (stack: Stack, n: number) => {
    const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('ec2') });
    for (let i = 0; i < n; i++) role.addManagedPolicy(new ManagedPolicy(stack, `P${i}`, { statements: [statement(stack, i, 100)] }));
    return role;
  };

  it('passes 10 attached policies', () => {
    expect(violations(iamManagedPoliciesPerRole, (_app, stack) => attach(stack, 10))).toEqual([]);
  });

  it('fails 11, counting policies that name the role in their Roles property too', () => {
    const found = violations(iamManagedPoliciesPerRole, (_app, stack) => {
      const role = attach(stack, 10);
      new ManagedPolicy(stack, 'Extra', { statements: [statement(stack, 99, 100)], roles: [role] });
    });
    expect(found).toEqual(['HpcHa-IAMManagedPoliciesPerRole[11 managed policies > 10] Test/Role/Resource']);
  });
});
