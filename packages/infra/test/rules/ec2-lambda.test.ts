/** EC2 and Lambda rules: each with a compliant and a non-compliant construct. */
import { describe, expect, it } from 'vitest';
import { Fn, Stack } from 'aws-cdk-lib';
import { InstanceType, LaunchTemplate, MachineImage, Peer, Port, SecurityGroup, UserData, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ec2UserDataSize } from '../../src/rules/ec2/user-data-size.js';
import { ec2SecurityGroupRuleCount } from '../../src/rules/ec2/security-group-rules.js';
import { lambdaEnvironmentSize } from '../../src/rules/lambda/environment-size.js';
import { ENV, violations } from './support.js';

describe('HpcHa-EC2UserDataSize (16 KB before base64)', () => {
  const template = (stack: Stack, script: string) => {
    const userData = UserData.forLinux();
    userData.addCommands(script);
    return new LaunchTemplate(stack, 'Template', { machineImage: MachineImage.latestAmazonLinux2023(), instanceType: new InstanceType('m5.large'), userData });
  };

  it('passes a script of 15 KB', () => {
    expect(violations(ec2UserDataSize, (_app, stack) => template(stack, `echo ${'a'.repeat(15 * 1024)}`))).toEqual([]);
  });

  it('fails a script over 16 KB, naming the launch template and the limit', () => {
    expect(violations(ec2UserDataSize, (_app, stack) => template(stack, `echo ${'a'.repeat(16 * 1024)}`))).toEqual([
      expect.stringMatching(/^HpcHa-EC2UserDataSize\[16,\d{3} bytes > 16,384\] Test\/Template\/Resource$/),
    ]);
  });

  it('counts deploy-time values at their longest: a value imported from another stack is sized by what it exports', () => {
    const withImports = (n: number) => (_app: unknown, stack: Stack) => {
      const other = new Stack(stack.node.scope!, 'Other', { env: ENV });
      const vpc = new Vpc(other, 'Vpc', { maxAzs: 2, natGateways: 0 });
      template(stack, `echo ${'a'.repeat(15 * 1024)}\n${Array.from({ length: n }, () => `SUBNET=${vpc.publicSubnets[0]!.subnetId}`).join('\n')}`);
    };
    // 15 KB + 20 x ~32 bytes fits; + 60 x ~32 does not (a subnet id is counted at 25 characters).
    expect(violations(ec2UserDataSize, withImports(20))).toEqual([]);
    expect(violations(ec2UserDataSize, withImports(60))).toHaveLength(1);
  });
});

describe('HpcHa-EC2SecurityGroupRuleCount (60 inbound, 60 outbound)', () => {
  const group = (stack: Stack, inbound: number, outbound: number) => {
    const vpc = new Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    const sg = new SecurityGroup(stack, 'Group', { vpc, allowAllOutbound: false });
    const peer = new SecurityGroup(stack, 'Peer', { vpc });
    for (let i = 0; i < inbound; i++) sg.addIngressRule(i % 2 ? Peer.ipv4(`10.${i}.0.0/16`) : peer, Port.tcp(1000 + i));
    for (let i = 0; i < outbound; i++) sg.addEgressRule(Peer.ipv4(`10.${i}.0.0/16`), Port.tcp(2000 + i));
  };

  it('passes 60 inbound (inline CIDR and standalone SG-to-SG rules) and 60 outbound', () => {
    expect(violations(ec2SecurityGroupRuleCount, (_app, stack) => group(stack, 60, 60))).toEqual([]);
  });

  it('fails 61 inbound and 61 outbound, one finding per direction', () => {
    expect(violations(ec2SecurityGroupRuleCount, (_app, stack) => group(stack, 61, 61)).sort()).toEqual([
      'HpcHa-EC2SecurityGroupRuleCount[61 inbound rules > 60] Test/Group/Resource',
      'HpcHa-EC2SecurityGroupRuleCount[61 outbound rules > 60] Test/Group/Resource',
    ]);
  });
});

describe('HpcHa-LambdaEnvironmentSize (4 KB)', () => {
  const fn = (stack: Stack, value: string) =>
    new LambdaFunction(stack, 'Fn', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => {}'), environment: { BIG: value, REGION_NAME: stack.region } });

  it('passes an environment of 3.5 KB', () => {
    expect(violations(lambdaEnvironmentSize, (_app, stack) => fn(stack, 'v'.repeat(3500)))).toEqual([]);
  });

  it('fails an environment over 4 KB', () => {
    expect(violations(lambdaEnvironmentSize, (_app, stack) => fn(stack, 'v'.repeat(4100)))).toEqual([
      expect.stringMatching(/^HpcHa-LambdaEnvironmentSize\[4,\d{3} bytes > 4,096\] Test\/Fn\/Resource$/),
    ]);
  });

  it('sizes an unresolved value generously (an imported value counts at its longest)', () => {
    expect(violations(lambdaEnvironmentSize, (_app, stack) => fn(stack, `${'v'.repeat(3950)}${Fn.importValue('elsewhere')}`))).toHaveLength(1);
  });
});

