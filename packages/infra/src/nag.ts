import { App, CfnResource, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { CfnManagedPolicy, type PolicyStatement } from 'aws-cdk-lib/aws-iam';
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
 * Acknowledges the IAM5 (wildcard) findings that the named statements of a vendor's published policy produce
 * (ParallelCluster's), and only those: a wildcard statement added to the policy later is still reported. Each
 * statement is checked on its own in a scratch stack of the same environment, with cdk-nag's own rule.
 */
export function acknowledgeVendorPolicyWildcards(policy: IConstruct, statements: readonly PolicyStatement[], reason: string): void {
  if (!(policy.node.defaultChild instanceof CfnResource)) throw new Error(`internal: ${policy.node.path} has no CloudFormation resource`);
  const stack = Stack.of(policy);
  // Never synthesized: with CDK_OUTDIR set (the CDK CLI, src/main.ts) an App synthesizes itself on exit by default,
  // which would overwrite the real assembly.
  const scratch = new Stack(new App({ autoSynth: false }), 'VendorPolicy', { env: { region: stack.region, account: stack.account } });
  const findings = new Set<string>();
  statements.forEach((statement, i) => {
    const probe = new CfnManagedPolicy(scratch, `Statement${i}`, {
      policyDocument: { Version: '2012-10-17', Statement: [stack.resolve(statement.toStatementJson())] },
    });
    const result = rules.iam.IAMNoWildcardPermissions(probe);
    if (Array.isArray(result)) for (const finding of result) findings.add(finding);
  });
  acknowledge(policy, Object.fromEntries([...findings].map((finding) => [`AwsSolutions-IAM5[${finding}]`, reason])));
}

/**
 * A resource the `HpcHa-StatefulRemovalPolicy` rule counts as holding data that is deleted with its stack on purpose
 * (it holds nothing worth keeping once the stack is gone): both policies acknowledged, with the reason.
 */
export function acknowledgeDeletedOnPurpose(scope: IConstruct, reason: string): void {
  acknowledge(scope, {
    'HpcHaDeployTimeChecks::HpcHa-StatefulRemovalPolicy[DeletionPolicy-Delete-without-disposable:-true]': reason,
    'HpcHaDeployTimeChecks::HpcHa-StatefulRemovalPolicy[UpdateReplacePolicy-Delete-without-disposable:-true]': reason,
  });
}
