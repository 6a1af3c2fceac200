import { CfnResource, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on a construct and everything below it. Each entry is a rule id (with its finding
 * where the rule reports one, e.g. `AwsSolutions-IAM5[Resource::*]`) and the one-line reason a reviewer can check.
 */
export function acknowledge(scope: IConstruct, rules: Readonly<Record<string, string>>): void {
  Validations.of(scope).acknowledge(...Object.entries(rules).map(([id, reason]) => ({ id, reason })));
}

/** How cdk-nag names a resource attribute in a finding: `<LogicalId.Attr>`. */
export function nagRef(element: IConstruct, attribute: string): string {
  const stack = Stack.of(element);
  const cfn = (element.node.defaultChild ?? element) as CfnElement;
  return `<${stack.resolve(stack.getLogicalId(cfn)) as string}.${attribute}>`;
}

/**
 * The CDK Provider framework grants `lambda:InvokeFunction` on `<function ARN>:*` (every version) for each function
 * it calls: one IAM5 finding per function. Acknowledges those, and only those, under `scope`.
 */
export function acknowledgeFunctionVersionWildcards(scope: IConstruct, reason: string): void {
  const functions = scope.node.findAll().filter((c): c is LambdaFunction => c instanceof LambdaFunction);
  acknowledge(scope, Object.fromEntries(functions.map((fn) => [`AwsSolutions-IAM5[Resource::${nagRef(fn, 'Arn')}:*]`, reason])));
}

/**
 * Acknowledges every IAM5 (wildcard) finding of one policy, listed finding by finding, for a policy that copies a
 * vendor's published one (ParallelCluster's): its wildcards are the vendor's, reviewed as a whole.
 */
export function acknowledgeVendorPolicyWildcards(policy: IConstruct, reason: string): void {
  const cfn = policy.node.defaultChild;
  if (!(cfn instanceof CfnResource)) throw new Error(`internal: ${policy.node.path} has no CloudFormation resource`);
  const findings = rules.iam.IAMNoWildcardPermissions(cfn);
  if (!Array.isArray(findings)) return;
  acknowledge(policy, Object.fromEntries(findings.map((finding) => [`AwsSolutions-IAM5[${finding}]`, reason])));
}
