/**
 * `hpc-ha diff` and `hpc-ha deploy` run update-check against the deployed templates (GetTemplate, moto_server).
 * The "deployed" EFS stack is the synthesized one with another performance mode, its resources under a false
 * condition (moto need not create a file system) so that GetTemplate returns them as CloudFormation would.
 */
import { CloudFormationClient, CreateStackCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-update-deployed-'));
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const out = join(dir, 'cdk.out');
const moto = useMoto();
let efs: { Resources: Record<string, { Type: string; Properties?: any; Condition?: string }> };

beforeAll(async () => {
  const r = await runCli(['synth', '-c', CONFIG, '--out', out], { timeoutMs: 400_000 });
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
  efs = JSON.parse(readFileSync(join(out, 'EFS.template.json'), 'utf8'));
}, 420_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function deployEfs(performanceMode: string): Promise<{ cfn: CloudFormationClient; body: string }> {
  const resources: Record<string, unknown> = { Marker: { Type: 'AWS::CloudFormation::WaitConditionHandle' } };
  for (const [id, r] of Object.entries(efs.Resources)) {
    const copy = structuredClone(r);
    if (copy.Type === 'AWS::EFS::FileSystem') copy.Properties.PerformanceMode = performanceMode;
    resources[id] = { ...copy, Condition: 'Never' };
  }
  const body = JSON.stringify({ Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } }, Resources: resources });
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await cfn.send(new CreateStackCommand({ StackName: 'hpcha-EFS', TemplateBody: body }));
  return { cfn, body };
}

const deployArgs = ['deploy', '-c', CONFIG, '--app', out, '--stacks', 'EFS', '--exclusively', '--method', 'direct', '--skip-preflight', '--yes'];

describe('update-check in diff / deploy (built binary, moto_server)', { timeout: 150_000 }, () => {
  it('deploy refuses to replace the deployed EFS file system: exit 2, the property and --force-replace named, nothing deployed', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const { cfn, body } = await deployEfs('maxIO');
    const r = await runCli(deployArgs, { env: motoEnv(moto.server.endpoint), timeoutMs: 120_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused: EFS\/FileSystem\w+ \(AWS::EFS::FileSystem, EFS\/FileSystem\/Resource\) holds data and it is replaced: create-only PerformanceMode changed/);
    expect(r.stderr).toContain('error: deploy refused: 1 change would lose data or fail (see above); nothing was deployed');
    expect(r.stderr).toMatch(/--force-replace FileSystem\w+/);
    expect((await cfn.send(new GetTemplateCommand({ StackName: 'hpcha-EFS' }))).TemplateBody).toBe(body);
  });

  it('diff prints the same refusal and still exits 0', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    await deployEfs('maxIO');
    const r = await runCli(['diff', '-c', CONFIG, '--app', out, '--stacks', 'EFS'], { env: motoEnv(moto.server.endpoint), timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('create-only PerformanceMode changed');
  });

  it('--force-replace naming the file system lifts the refusal (the deploy itself then goes to CloudFormation)', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    await deployEfs('maxIO');
    const r = await runCli([...deployArgs, '--force-replace', 'EFS/FileSystem'], { env: motoEnv(moto.server.endpoint), timeoutMs: 120_000 });
    expect(r.stderr).toMatch(/accepted \(--force-replace\): EFS\/FileSystem\w+ .*PerformanceMode/);
    expect(r.stderr).not.toContain('deploy refused');
  });

  it('an unchanged deployed template passes without a refusal', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    await deployEfs(efs.Resources[Object.keys(efs.Resources).find((k) => efs.Resources[k]!.Type === 'AWS::EFS::FileSystem')!]!.Properties.PerformanceMode);
    const r = await runCli(['diff', '-c', CONFIG, '--app', out, '--stacks', 'EFS'], { env: motoEnv(moto.server.endpoint), timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('update-check: nothing refused');
    expect(r.stderr).not.toContain('refused:');
  });
});
