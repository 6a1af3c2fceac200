import type { CfnResource } from 'aws-cdk-lib';
import { CfnAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { resolved } from '../estimate.js';
import type { DeployTimeRule } from '../rule.js';

/**
 * A rolling update must be able to take an instance out: `MinInstancesInService` is below the group's `MaxSize`.
 * Source: CloudFormation User Guide, "UpdatePolicy attribute" (MinInstancesInService must be less than the
 * MaxSize of the Auto Scaling group).
 */
export const autoScalingMinInService: DeployTimeRule = {
  id: 'AutoScalingMinInService',
  info: "The rolling update keeps at least as many instances in service as the group's MaxSize.",
  explanation:
    'CloudFormation refuses the update: it could never replace an instance. A group of one keeps 0 in service and relies on another group to serve meanwhile. Source: CloudFormation User Guide, UpdatePolicy attribute, MinInstancesInService.',
  check(node: CfnResource) {
    if (!(node instanceof CfnAutoScalingGroup)) return NagRuleCompliance.NOT_APPLICABLE;
    const min = node.cfnOptions.updatePolicy?.autoScalingRollingUpdate?.minInstancesInService;
    const max = Number(resolved(node, node.maxSize));
    if (min === undefined || !Number.isFinite(max)) return NagRuleCompliance.NOT_APPLICABLE;
    return min >= max ? [`MinInstancesInService ${min} >= MaxSize ${max}`] : NagRuleCompliance.COMPLIANT;
  },
};
