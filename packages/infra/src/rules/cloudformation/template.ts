import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { fmt, type DeployTimeRule } from '../rule.js';

export interface SynthesizedTemplate {
  readonly stack: Stack;
  readonly bytes: number;
  readonly resources: number;
  readonly outputs: number;
  readonly parameters: number;
}

const anchors = new WeakMap<Stack, CfnResource | null>();

/**
 * Stack-wide rules run once per stack, on its first resource (cdk-nag visits resources, not stacks), and read the
 * template file aws-cdk-lib has written by the time validation plugins run. Undefined for any other resource, and
 * for a stack whose template is not on disk (nothing to measure).
 */
export function templateOf(node: CfnResource): SynthesizedTemplate | undefined {
  const stack = Stack.of(node);
  let anchor = anchors.get(stack);
  if (anchor === undefined) {
    anchor = stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack) ?? null;
    anchors.set(stack, anchor);
  }
  if (anchor !== node) return undefined;
  const outdir = Stage.of(stack)?.outdir;
  const file = outdir ? join(outdir, stack.templateFile) : undefined;
  if (!file || !existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const t = JSON.parse(text) as { Resources?: object; Outputs?: object; Parameters?: object };
  return {
    stack,
    bytes: Buffer.byteLength(text),
    resources: Object.keys(t.Resources ?? {}).length,
    outputs: Object.keys(t.Outputs ?? {}).length,
    parameters: Object.keys(t.Parameters ?? {}).length,
  };
}

/** A rule over one number of a stack's synthesized template. */
export function stackRule(id: string, what: string, limit: number, measure: (t: SynthesizedTemplate) => number, source: string): DeployTimeRule {
  return {
    id,
    info: `The stack's template has more than ${fmt(limit)} ${what} (CloudFormation's quota).`,
    explanation: `CloudFormation refuses to create or update the stack. Split it (nested stacks or another stack). Source: AWS CloudFormation User Guide, "CloudFormation quotas" (${source}).`,
    check(node: CfnResource) {
      const t = templateOf(node);
      if (!t) return NagRuleCompliance.NOT_APPLICABLE;
      const n = measure(t);
      return n > limit ? [`${t.stack.stackName}: ${fmt(n)} ${what} > ${fmt(limit)}`] : NagRuleCompliance.COMPLIANT;
    },
  };
}

