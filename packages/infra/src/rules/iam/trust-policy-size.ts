import type { CfnResource } from 'aws-cdk-lib';
import { CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { policyLength, resolved } from '../estimate.js';
import { fmt, type DeployTimeRule } from '../rule.js';

export const TRUST_POLICY_MAX_CHARS = 2048;

/**
 * A role's trust policy is at most 2,048 characters, whitespace excluded (the default quota; it can be raised to
 * 4,096). Source: IAM User Guide, "IAM and AWS STS quotas" (role trust policy length).
 */
export const iamTrustPolicySize: DeployTimeRule = {
  id: 'IAMTrustPolicySize',
  info: `The role's trust policy is longer than IAM's default ${fmt(TRUST_POLICY_MAX_CHARS)} characters (whitespace excluded).`,
  explanation: 'IAM refuses CreateRole or UpdateAssumeRolePolicy with a longer trust policy unless the account quota was raised. Source: IAM and AWS STS quotas, role trust policy length.',
  check(node: CfnResource) {
    if (!(node instanceof CfnRole)) return NagRuleCompliance.NOT_APPLICABLE;
    const length = policyLength(resolved(node, node.assumeRolePolicyDocument));
    return length > TRUST_POLICY_MAX_CHARS ? [`${fmt(length)} characters > ${fmt(TRUST_POLICY_MAX_CHARS)}`] : NagRuleCompliance.COMPLIANT;
  },
};
