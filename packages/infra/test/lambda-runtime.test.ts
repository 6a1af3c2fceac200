/** The handlers' Lambda runtime comes from the region table (through the app context), and a bad name is refused. */
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BundledProvider, LAMBDA_RUNTIME_CONTEXT } from '../src/constructs/bundled-provider.js';
import { REGION_PROFILES } from '../src/config/index.js';

function runtimes(context: Record<string, unknown>): string[] {
  const stack = new Stack(new App({ context }), 'S', { env: { region: 'cn-north-1' } });
  new BundledProvider(stack, 'Cert', { handler: 'cert', logRetention: RetentionDays.ONE_DAY });
  return Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
    .filter((f: any) => String(f.Properties.Handler).startsWith('index.'))
    .map((f: any) => f.Properties.Runtime as string);
}

describe('handler runtime', () => {
  it('every region profile names a Node.js runtime, the same in both China regions', () => {
    for (const p of Object.values(REGION_PROFILES)) expect(p.lambdaNodeRuntime).toMatch(/^nodejs\d+\.x$/);
    expect(REGION_PROFILES['cn-north-1']!.lambdaNodeRuntime).toBe(REGION_PROFILES['cn-northwest-1']!.lambdaNodeRuntime);
  });

  it('follows the context the app sets from the region table', () => {
    expect(new Set(runtimes({ [LAMBDA_RUNTIME_CONTEXT]: 'nodejs24.x' }))).toEqual(new Set(['nodejs24.x']));
    expect(new Set(runtimes({}))).toEqual(new Set(['nodejs22.x']));
  });

  it('refuses a runtime that is not Node.js', () => {
    expect(() => runtimes({ [LAMBDA_RUNTIME_CONTEXT]: 'python3.12' })).toThrow(/must name a Node.js Lambda runtime/);
  });
});
