import type { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { autoScalingMinInService } from './autoscaling/min-in-service.js';
import { autoScalingRollingPauseTime } from './autoscaling/rolling-pause-time.js';
import { creationSignalTimeout } from './autoscaling/creation-signal-timeout.js';
import { cfnOutputCount } from './cloudformation/output-count.js';
import { cfnParameterCount } from './cloudformation/parameter-count.js';
import { cfnResourceCount } from './cloudformation/resource-count.js';
import { cfnStatefulRemovalPolicy } from './cloudformation/stateful-removal-policy.js';
import { cfnTemplateSize } from './cloudformation/template-size.js';
import { cloudWatchAlarmLimits } from './cloudwatch/alarm-limits.js';
import { ec2SecurityGroupRuleCount } from './ec2/security-group-rules.js';
import { ec2UserDataSize } from './ec2/user-data-size.js';
import { iamRoleInlinePoliciesSize } from './iam/inline-policies-size.js';
import { iamManagedPoliciesPerRole } from './iam/managed-policies-per-role.js';
import { iamManagedPolicySize } from './iam/managed-policy-size.js';
import { iamTrustPolicySize } from './iam/trust-policy-size.js';
import { lambdaEnvironmentSize } from './lambda/environment-size.js';
import { parallelClusterEfsAccess } from './parallelcluster/efs-security-groups.js';
import { parallelClusterFsxAccess } from './parallelcluster/fsx-security-groups.js';
import { withResourceCache } from './references.js';
import type { DeployTimeRule } from './rule.js';

export type { DeployTimeRule } from './rule.js';
export { markParallelClusterNodeGroup } from './parallelcluster/node-groups.js';
export { DISPOSABLE_CONTEXT } from './cloudformation/stateful-removal-policy.js';

/** Every rule of the pack, in the order findings are reported. */
export const DEPLOY_TIME_RULES: readonly DeployTimeRule[] = [
  iamManagedPolicySize,
  iamRoleInlinePoliciesSize,
  iamTrustPolicySize,
  iamManagedPoliciesPerRole,
  ec2UserDataSize,
  ec2SecurityGroupRuleCount,
  lambdaEnvironmentSize,
  cloudWatchAlarmLimits,
  cfnResourceCount,
  cfnOutputCount,
  cfnParameterCount,
  cfnTemplateSize,
  cfnStatefulRemovalPolicy,
  parallelClusterEfsAccess,
  parallelClusterFsxAccess,
  autoScalingRollingPauseTime,
  autoScalingMinInService,
  creationSignalTimeout,
];

export const DEPLOY_TIME_PACK = 'HpcHa';

/**
 * The project's deploy-time rules as a cdk-nag pack (`HpcHa-<rule>`): limits that IAM, EC2, Lambda,
 * CloudFormation and ParallelCluster enforce only when the stack is deployed, checked at synth instead. Register it
 * next to AwsSolutionsChecks: `Validations.of(app).addPlugins(new HpcHaDeployTimeChecks(app))`.
 */
export class HpcHaDeployTimeChecks extends NagPack {
  readonly name = 'HpcHaDeployTimeChecks';
  private readonly rules: readonly DeployTimeRule[];

  constructor(scope?: IConstruct, props?: NagPackProps & { readonly rules?: readonly DeployTimeRule[] }) {
    super(scope, props);
    this.packName = DEPLOY_TIME_PACK;
    this.rules = props?.rules ?? DEPLOY_TIME_RULES;
  }

  override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return withResourceCache(() => super.validateScope(scope));
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of this.rules) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: rule.level ?? NagMessageLevel.ERROR,
        node,
        rule: (n) => rule.check(n),
      });
    }
  }
}
