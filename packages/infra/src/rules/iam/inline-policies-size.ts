import type { CfnResource } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { policyLength, resolved } from '../estimate.js';
import { appResources, refersTo } from '../references.js';
import { fmt, type DeployTimeRule } from '../rule.js';

export const ROLE_INLINE_POLICIES_MAX_CHARS = 10240;

/**
 * A role's inline policies together are at most 10,240 characters, whitespace excluded: the role's own `Policies`
 * plus every AWS::IAM::Policy attached to it (aws-cdk-lib's `grant*` and `addToPolicy` write there). Source: IAM
 * User Guide, "IAM and AWS STS quotas" (role policy size, aggregate of all inline policies).
 */
export const iamRoleInlinePoliciesSize: DeployTimeRule = {
  id: 'IAMRoleInlinePoliciesSize',
  info: `The role's inline policies together are longer than IAM's ${fmt(ROLE_INLINE_POLICIES_MAX_CHARS)} characters (whitespace excluded).`,
  explanation: 'IAM refuses PutRolePolicy once the aggregate passes the quota, so the stack rolls back. Move statements to a managed policy. Source: IAM and AWS STS quotas, role policy size.',
  check(node: CfnResource) {
    if (!(node instanceof CfnRole)) return NagRuleCompliance.NOT_APPLICABLE;
    const own = (resolved(node, node.policies) as { policyDocument?: unknown; PolicyDocument?: unknown }[] | undefined) ?? [];
    let total = own.reduce((n, p) => n + policyLength(p.PolicyDocument ?? p.policyDocument), 0);
    for (const policy of appResources(node, CfnPolicy)) {
      if (refersTo(policy, policy.roles, node)) total += policyLength(resolved(policy, policy.policyDocument));
    }
    return total > ROLE_INLINE_POLICIES_MAX_CHARS ? [`${fmt(total)} characters > ${fmt(ROLE_INLINE_POLICIES_MAX_CHARS)}`] : NagRuleCompliance.COMPLIANT;
  },
};
