import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const moto = useMoto({ resetEach: true });

/** A stand-in stack with the given outputs (moto models AWS::SSM::Parameter, so the stack completes). */
async function stack(name: string, outputs: Record<string, string>): Promise<void> {
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const template = {
    Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: `/${name}/marker`, Type: 'String', Value: 'x' } } },
    Outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, { Value: v, Description: `${k} of ${name}` }])),
  };
  await cfn.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
}

describe('hpc-ha outputs (against moto_server CloudFormation)', () => {
  it('prints every output of the deployment, portal URL first, exit 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await stack('hpcha-VPC', { VpcId: 'vpc-0abc' });
    await stack('hpcha-EnginFrame', { EnginFramePortalURL: 'https://internal-hpcha-alb.cn-north-1.elb.example/enginframe', EfsId: 'fs-1' });
    await stack('other-EnginFrame', { EnginFramePortalURL: 'https://not-this-one' });
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('EnginFramePortalURL  https://internal-hpcha-alb.cn-north-1.elb.example/enginframe');
    expect(lines).toContain('VpcId                vpc-0abc');
    expect(r.stdout).not.toContain('not-this-one');
    expect(r.stderr).toContain('stacks: hpcha-VPC (CREATE_COMPLETE), hpcha-EnginFrame (CREATE_COMPLETE)');
  });

  it('--json prints {stack, key, value, description} objects, portal URL first', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await stack('hpcha-ALB', { AlbDnsName: 'alb.example' });
    await stack('hpcha-EnginFrame', { EnginFramePortalURL: 'https://p/enginframe' });
    const r = await runCli(['outputs', '--json', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { stack: 'hpcha-EnginFrame', key: 'EnginFramePortalURL', value: 'https://p/enginframe', description: 'EnginFramePortalURL of hpcha-EnginFrame' },
      { stack: 'hpcha-ALB', key: 'AlbDnsName', value: 'alb.example', description: 'AlbDnsName of hpcha-ALB' },
    ]);
  });

  it('warns when the EnginFrame stack is not there yet', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await stack('hpcha-VPC', { VpcId: 'vpc-0abc' });
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no EnginFramePortalURL output yet');
  });

  it('nothing deployed: a failure that says to deploy, exit 1', async (ctx) => {
    if (!moto.server) return ctx.skip();
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/cn-north-1.yaml`], { env: motoEnv(moto.server.endpoint) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no stack of deployment hpcha in cn-north-1');
    expect(r.stderr).toContain('deploy first: hpc-ha deploy -c');
  });

  it('an invalid config is exit 2 before any AWS call', async () => {
    const r = await runCli(['outputs', '-c', `${EXAMPLES}/missing.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.yaml: no such file');
  });
});
