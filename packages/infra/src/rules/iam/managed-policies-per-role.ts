import type { CfnResource } from 'aws-cdk-lib';
import { CfnManagedPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import { NagRuleCompliance } from 'cdk-nag';
import { resolved } from '../estimate.js';
import { appResources, refersTo } from '../references.js';
import { type DeployTimeRule } from '../rule.js';

export const MANAGED_POLICIES_PER_ROLE = 10;

/**
 * At most 10 managed policies attached to a role (the default quota, adjustable to 20): the role's own
 * `ManagedPolicyArns` plus every AWS::IAM::ManagedPolicy that names the role in `Roles`. Source: IAM User Guide,
 * "IAM and AWS STS quotas" (managed policies per role).
 */
export const iamManagedPoliciesPerRole: DeployTimeRule = {
  id: 'IAMManagedPoliciesPerRole',
  info: `More than ${MANAGED_POLICIES_PER_ROLE} managed policies are attached to the role (IAM's default quota).`,
  explanation: 'IAM refuses AttachRolePolicy beyond the quota, so the stack rolls back. Merge policies or raise the quota first. Source: IAM and AWS STS quotas, managed policies attached to an IAM role.',
  check(node: CfnResource) {
    if (!(node instanceof CfnRole)) return NagRuleCompliance.NOT_APPLICABLE;
    const own = (resolved(node, node.managedPolicyArns) as unknown[] | undefined) ?? [];
    const attached = appResources(node, CfnManagedPolicy).filter((p) => p.roles !== undefined && refersTo(p, p.roles, node));
    const count = own.length + attached.length;
    return count > MANAGED_POLICIES_PER_ROLE ? [`${count} managed policies > ${MANAGED_POLICIES_PER_ROLE}`] : NagRuleCompliance.COMPLIANT;
  },
};
