/** CloudFormation stack-wide rules, measured on the synthesized template: compliant and non-compliant stacks. */
import { describe, expect, it } from 'vitest';
import type { Stack } from 'aws-cdk-lib';
import { CfnOutput, CfnParameter, CfnWaitConditionHandle } from 'aws-cdk-lib';
import { cfnResourceCount } from '../../src/rules/cloudformation/resource-count.js';
import { cfnOutputCount } from '../../src/rules/cloudformation/output-count.js';
import { cfnParameterCount } from '../../src/rules/cloudformation/parameter-count.js';
import { cfnTemplateSize } from '../../src/rules/cloudformation/template-size.js';
import { violations } from './support.js';

const resources = (stack: Stack, n: number) => {
  for (let i = 0; i < n; i++) new CfnWaitConditionHandle(stack, `Handle${i}`);
};

describe('HpcHa-CFNResourceCount (500)', () => {
  it('passes 500 resources', () => expect(violations(cfnResourceCount, (_a, s) => resources(s, 500))).toEqual([]));
  // aws-cdk-lib refuses this too unless its own check is switched off; the rule still guards apps that do.
  it('fails 501, once for the stack', () =>
    expect(violations(cfnResourceCount, (_a, s) => resources(s, 501), { '@aws-cdk/core:stackResourceLimit': 0 })).toEqual([
      'HpcHa-CFNResourceCount[Test: 501 resources > 500] Test/Handle0',
    ]));
});

describe('HpcHa-CFNOutputCount (200)', () => {
  const outputs = (stack: Stack, n: number) => {
    resources(stack, 1);
    for (let i = 0; i < n; i++) new CfnOutput(stack, `Out${i}`, { value: String(i) });
  };
  it('passes 200 outputs', () => expect(violations(cfnOutputCount, (_a, s) => outputs(s, 200))).toEqual([]));
  it('fails 201', () => expect(violations(cfnOutputCount, (_a, s) => outputs(s, 201))).toEqual(['HpcHa-CFNOutputCount[Test: 201 outputs > 200] Test/Handle0']));
});

describe('HpcHa-CFNParameterCount (200)', () => {
  // aws-cdk-lib adds its own BootstrapVersion parameter to every stack.
  const parameters = (stack: Stack, n: number) => {
    resources(stack, 1);
    for (let i = 0; i < n; i++) new CfnParameter(stack, `Param${i}`, { default: String(i) });
  };
  it('passes 199 parameters plus BootstrapVersion', () => expect(violations(cfnParameterCount, (_a, s) => parameters(s, 199))).toEqual([]));
  it('fails 201', () =>
    expect(violations(cfnParameterCount, (_a, s) => parameters(s, 200))).toEqual(['HpcHa-CFNParameterCount[Test: 201 parameters > 200] Test/Handle0']));
});

describe('HpcHa-CFNTemplateSize (1 MB)', () => {
  const metadata = (stack: Stack, bytes: number) => {
    const handle = new CfnWaitConditionHandle(stack, 'Handle');
    handle.addMetadata('padding', 'p'.repeat(bytes));
  };
  it('passes a template under 1 MB', () => expect(violations(cfnTemplateSize, (_a, s) => metadata(s, 1000 * 1024))).toEqual([]));
  it('fails a template over 1 MB', () =>
    expect(violations(cfnTemplateSize, (_a, s) => metadata(s, 1024 * 1024))).toEqual([expect.stringMatching(/^HpcHa-CFNTemplateSize\[Test: 1,0\d\d,\d{3} bytes > 1,048,576\] Test\/Handle$/)]));
});
