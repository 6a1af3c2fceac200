import type { CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupEgress, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import { NagRuleCompliance } from 'cdk-nag';
import { resolved } from '../estimate.js';
import { appResources, refersTo } from '../references.js';
import { type DeployTimeRule } from '../rule.js';

export const RULES_PER_SECURITY_GROUP = 60;

/** The group's inbound and outbound rules: inline ones plus the standalone rule resources that name the group. */
export function securityGroupRuleCounts(group: CfnSecurityGroup): { inbound: number; outbound: number } {
  const inline = (value: unknown) => ((resolved(group, value) as unknown[] | undefined) ?? []).length;
  const ours = (r: CfnSecurityGroupIngress | CfnSecurityGroupEgress) => refersTo(r, r.groupId, group);
  return {
    inbound: inline(group.securityGroupIngress) + appResources(group, CfnSecurityGroupIngress).filter(ours).length,
    outbound: inline(group.securityGroupEgress) + appResources(group, CfnSecurityGroupEgress).filter(ours).length,
  };
}

/**
 * A security group has at most 60 inbound and 60 outbound rules (default quota, per IP version). Source: Amazon
 * VPC User Guide, "Amazon VPC quotas" (inbound or outbound rules per security group).
 */
export const ec2SecurityGroupRuleCount: DeployTimeRule = {
  id: 'EC2SecurityGroupRuleCount',
  info: `The security group has more than ${RULES_PER_SECURITY_GROUP} inbound or ${RULES_PER_SECURITY_GROUP} outbound rules (VPC's default quota).`,
  explanation: 'EC2 refuses AuthorizeSecurityGroupIngress/Egress past the quota (RulesPerSecurityGroupLimitExceeded). Use prefix lists or fewer, wider SG-to-SG rules. Source: Amazon VPC quotas, rules per security group.',
  check(node: CfnResource) {
    if (!(node instanceof CfnSecurityGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    const { inbound, outbound } = securityGroupRuleCounts(node);
    const findings: string[] = [];
    if (inbound > RULES_PER_SECURITY_GROUP) findings.push(`${inbound} inbound rules > ${RULES_PER_SECURITY_GROUP}`);
    if (outbound > RULES_PER_SECURITY_GROUP) findings.push(`${outbound} outbound rules > ${RULES_PER_SECURITY_GROUP}`);
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
