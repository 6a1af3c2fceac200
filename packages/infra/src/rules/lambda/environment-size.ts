import type { CfnResource } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NagRuleCompliance } from 'cdk-nag';
import { Stack } from 'aws-cdk-lib';
import { renderEstimate, resolved, stackContext } from '../estimate.js';
import { fmt, type DeployTimeRule } from '../rule.js';

export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4 * 1024;

/**
 * A function's environment variables together are at most 4 KB, measured here as the JSON map Lambda stores
 * (names, values and quoting). Source: AWS Lambda Developer Guide, "Lambda quotas" (function environment variables:
 * 4 KB, for all environment variables associated with the function, in aggregate).
 */
export const lambdaEnvironmentSize: DeployTimeRule = {
  id: 'LambdaEnvironmentSize',
  info: `The function's environment variables are larger than Lambda's ${fmt(LAMBDA_ENVIRONMENT_MAX_BYTES)} bytes in aggregate.`,
  explanation: 'Lambda refuses CreateFunction/UpdateFunctionConfiguration with a larger environment. Pass large values as resource properties or read them from SSM or S3. Source: Lambda quotas, function environment variables.',
  check(node: CfnResource) {
    if (!(node instanceof CfnFunction)) return NagRuleCompliance.NOT_APPLICABLE;
    const env = resolved(node, node.environment) as { variables?: Record<string, unknown>; Variables?: Record<string, unknown> } | undefined;
    const variables = env?.variables ?? env?.Variables;
    if (!variables) return NagRuleCompliance.COMPLIANT;
    const bytes = Buffer.byteLength(renderEstimate(variables, stackContext(Stack.of(node))));
    return bytes > LAMBDA_ENVIRONMENT_MAX_BYTES ? [`${fmt(bytes)} bytes > ${fmt(LAMBDA_ENVIRONMENT_MAX_BYTES)}`] : NagRuleCompliance.COMPLIANT;
  },
};
