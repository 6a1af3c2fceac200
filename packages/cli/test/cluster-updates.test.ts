/**
 * `hpc-ha diff` / `hpc-ha deploy` print what a ParallelCluster update will do per cluster and refuse a change
 * ParallelCluster would refuse, through the built binary. The "deployed" Clusters stack lives in moto_server: its
 * template is the synthesized one with older cluster configs, its Custom::PclusterCluster resources under a false
 * condition (moto cannot run ParallelCluster's provider) so that GetTemplate returns them as CloudFormation would.
 */
import { CloudFormationClient, CreateStackCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, motoEnv, runCli } from './cli.js';
import { useMoto } from './moto.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-cli-cluster-updates-'));
const CONFIG = `${EXAMPLES}/cn-north-1.yaml`;
const out = join(dir, 'cdk.out');
const moto = useMoto();

type Template = { Resources: Record<string, { Type: string; Properties?: any; Condition?: string }> };
let synthesized: Template;

beforeAll(async () => {
  const r = await runCli(['synth', '-c', CONFIG, '--out', out], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`synth failed: ${r.stderr}`);
  synthesized = JSON.parse(readFileSync(join(out, 'Clusters.template.json'), 'utf8')) as Template;
}, 150_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The synthesized Clusters template as if deployed earlier, with `edit` applied to each cluster's config. */
function deployedTemplate(edit: (name: string, config: any) => void): string {
  const resources: Template['Resources'] = { Marker: { Type: 'AWS::CloudFormation::WaitConditionHandle' } };
  for (const [id, r] of Object.entries(synthesized.Resources)) {
    if (r.Type !== 'Custom::PclusterCluster') continue;
    const copy = structuredClone(r);
    edit(copy.Properties.ClusterName, copy.Properties.ClusterConfiguration);
    resources[id] = { ...copy, Condition: 'Never' };
  }
  return JSON.stringify({ Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } }, Resources: resources });
}

async function deploy(templateBody: string): Promise<CloudFormationClient> {
  const cfn = new CloudFormationClient({ endpoint: moto.server!.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await cfn.send(new CreateStackCommand({ StackName: 'hpcha-Clusters', TemplateBody: templateBody }));
  return cfn;
}

describe('cluster update plans in hpc-ha diff / deploy (built binary, moto_server)', () => {
  it('the synthesized Clusters stack holds both clusters as Custom::PclusterCluster', () => {
    const names = Object.values(synthesized.Resources).filter((r) => r.Type === 'Custom::PclusterCluster').map((r) => r.Properties.ClusterName);
    expect(names).toEqual(['hpcha-cluster1', 'hpcha-cluster2']);
  });

  it('diff prints per cluster what the update does: a live change and one ParallelCluster would refuse', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    await deploy(deployedTemplate((name, c) => {
      if (name === 'hpcha-cluster1') c.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount -= 1;
      else c.Scheduling.SlurmSettings.ScaledownIdletime = 5;
    }));
    const r = await runCli(['diff', '-c', CONFIG, '--app', out, '--stacks', 'Clusters'], { env: motoEnv(moto.server.endpoint), timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cluster hpcha-cluster1: 1 changed key, update-cluster applies it\n {2}Scheduling\.SlurmQueues\[[a-z0-9-]+\]\.ComputeResources\[[a-z0-9-]+\]\.MaxCount: \d+ → \d+ {2}\[RESIZE_UPDATE_STRATEGY_ON_REMOVE\] live/);
    expect(r.stderr).toContain('cluster hpcha-cluster2: 1 changed key, ParallelCluster would refuse this update (1 of 1 changes)');
    expect(r.stderr).toContain('Scheduling.SlurmSettings.ScaledownIdletime: 5 → 10  [COMPUTE_FLEET_STOP] REFUSED while the compute fleet runs');
  });

  it('deploy refuses it before deploying anything: exit 2, the key named, the stack untouched', async (ctx) => {
    if (!moto.server) return ctx.skip();
    await moto.server.reset();
    const body = deployedTemplate((name, c) => {
      if (name === 'hpcha-cluster2') c.HeadNode.InstanceType = 'm5.large';
    });
    const cfn = await deploy(body);
    const r = await runCli(['deploy', '-c', CONFIG, '--app', out, '--stacks', 'Clusters', '--method', 'direct'], { env: motoEnv(moto.server.endpoint), timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('hpcha-cluster2: HeadNode.InstanceType [UNSUPPORTED]: ParallelCluster never updates this key');
    expect(r.stderr).toContain('error: deploy refused: ParallelCluster would refuse 1 change to hpcha-cluster2; nothing was deployed');
    expect(r.stderr).not.toMatch(/UPDATE_IN_PROGRESS|UPDATE_COMPLETE/);
    expect((await cfn.send(new GetTemplateCommand({ StackName: 'hpcha-Clusters' }))).TemplateBody).toBe(body);
  });
});
