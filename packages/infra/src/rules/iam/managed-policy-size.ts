import type { CfnResource } from 'aws-cdk-lib';
import { CfnManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { policyLength, resolved } from '../estimate.js';
import { fmt, type DeployTimeRule } from '../rule.js';

export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * A customer managed policy document is at most 6,144 characters, whitespace excluded; IAM refuses a larger one and
 * the stack rolls back. Source: IAM User Guide, "IAM and AWS STS quotas" (character limits: managed policy size).
 */
export const iamManagedPolicySize: DeployTimeRule = {
  id: 'IAMManagedPolicySize',
  info: `The managed policy document is longer than IAM's ${fmt(MANAGED_POLICY_MAX_CHARS)} characters (whitespace excluded).`,
  explanation: 'IAM refuses the policy at deploy time (LimitExceeded) and the stack rolls back. Split the statements over several managed policies. Source: IAM and AWS STS quotas, managed policy size.',
  check(node: CfnResource) {
    if (!(node instanceof CfnManagedPolicy)) return NagRuleCompliance.NOT_APPLICABLE;
    const length = policyLength(resolved(node, node.policyDocument));
    return length > MANAGED_POLICY_MAX_CHARS ? [`${fmt(length)} characters > ${fmt(MANAGED_POLICY_MAX_CHARS)}`] : NagRuleCompliance.COMPLIANT;
  },
};
