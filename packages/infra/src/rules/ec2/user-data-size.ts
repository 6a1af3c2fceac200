import type { CfnResource } from 'aws-cdk-lib';
import { CfnInstance, CfnLaunchTemplate } from 'aws-cdk-lib/aws-ec2';
import { CfnLaunchConfiguration } from 'aws-cdk-lib/aws-autoscaling';
import { NagRuleCompliance } from 'cdk-nag';
import { Stack } from 'aws-cdk-lib';
import { renderEstimate, resolved, stackContext } from '../estimate.js';
import { fmt, type DeployTimeRule } from '../rule.js';
import { USER_DATA_LIMIT_BYTES } from '../../artifacts/user-data-budget.js';

export const USER_DATA_MAX_BYTES = USER_DATA_LIMIT_BYTES;

function userDataOf(node: CfnResource): unknown {
  if (node instanceof CfnLaunchTemplate) {
    const data = resolved(node, node.launchTemplateData) as { userData?: unknown; UserData?: unknown } | undefined;
    return data?.userData ?? data?.UserData;
  }
  if (node instanceof CfnInstance || node instanceof CfnLaunchConfiguration) return resolved(node, node.userData);
  return undefined;
}

/**
 * EC2 user data is at most 16 KB before base64 encoding. Deploy-time values in it (ids, endpoints, ARNs) are
 * measured at a generous stand-in length, so the check errs on the large side. Source: Amazon EC2 User Guide,
 * "Run commands when you launch an EC2 instance with user data input" (user data is limited to 16 KB, in raw form,
 * before it is base64-encoded).
 */
export const ec2UserDataSize: DeployTimeRule = {
  id: 'EC2UserDataSize',
  info: `The user data is larger than EC2's ${fmt(USER_DATA_MAX_BYTES)} bytes before base64 encoding (deploy-time values counted at their longest).`,
  explanation: 'EC2 refuses RunInstances (and CloudFormation the launch template) with larger user data. Move the payload to S3 and fetch it from a small loader. Source: Amazon EC2 User Guide, user data limits.',
  check(node: CfnResource) {
    const userData = userDataOf(node);
    if (userData === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const bytes = Buffer.byteLength(renderEstimate(userData, stackContext(Stack.of(node))));
    return bytes > USER_DATA_MAX_BYTES ? [`${fmt(bytes)} bytes > ${fmt(USER_DATA_MAX_BYTES)}`] : NagRuleCompliance.COMPLIANT;
  },
};
