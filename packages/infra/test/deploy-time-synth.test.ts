/**
 * The rule pack on the real app: a deliberately oversized policy or user data makes the synth itself fail with the
 * construct path and the limit (what `nx run infra:synth` runs), and the deployment as generated passes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { InstanceType, LaunchTemplate, MachineImage, UserData } from 'aws-cdk-lib/aws-ec2';
import { createApp } from '../src/app.js';
import { variantConfig } from './support/synth.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synthWith(add: (stack: Stack) => void): string {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-deploy-time-'));
  dirs.push(outdir);
  const app = createApp(variantConfig('cn-north-1', { 'clusters.provisioner': 'instance' }), { outdir });
  add(app.node.findChild('EnginFrame') as Stack);
  const messages: string[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => messages.push(args.map(String).join(' '));
  try {
    app.synth();
    return '';
  } catch (e) {
    return `${String(e)}\n${messages.join('\n')}`;
  } finally {
    console.error = log;
  }
}

describe('HpcHa rules on the real app', () => {
  it('refuse an oversized managed policy and user data, naming the construct path and the limit', () => {
    const out = synthWith((stack) => {
      const big = Array.from({ length: 4 }, (_, i) => new PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws-cn:s3:::b${i}/${'k'.repeat(1800)}`] }));
      new ManagedPolicy(stack, 'Oversized', { statements: big });
      const userData = UserData.forLinux();
      userData.addCommands(`echo ${'u'.repeat(17 * 1024)}`);
      new LaunchTemplate(stack, 'Oversized-Template', { machineImage: MachineImage.latestAmazonLinux2023(), instanceType: new InstanceType('m5.large'), userData });
    });
    expect(out).toMatch(/ValidationFailed/);
    // The limit (the rule's message), the construct path, and the measured value (in the finding's id).
    expect(out).toMatch(/longer than IAM's 6,144 characters[^\n]*\n\s+EnginFrame\/Oversized\/Resource /);
    expect(out).toMatch(/HpcHa-IAMManagedPolicySize\[7,\d{3}-characters->-6,144\]/);
    expect(out).toMatch(/larger than EC2's 16,384 bytes[^\n]*\n\s+EnginFrame\/Oversized-Template\/Resource /);
    expect(out).toMatch(/HpcHa-EC2UserDataSize\[17,\d{3}-bytes->-16,384\]/);
    // Nothing else in the generated deployment is refused.
    expect(out.match(/\bERROR /g)).toHaveLength(2);
  }, 300_000);
});
