/**
 * The cluster-update step of diff/deploy against a mocked CloudFormation (aws-sdk-client-mock: GetTemplate of a
 * stack holding Custom::PclusterCluster resources is what moto cannot serve faithfully, and the faults are ours to
 * choose). The configs are the ones hpc-ha renders for the cn-north-1 example.
 */
import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { renderClusterConfig } from '@hpc-ha/pcluster-config';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../exit.js';
import { createUi } from '../ui.js';
import { checkClusterUpdates, type SynthesizedStack } from './guard.js';
import { CLUSTER_RESOURCE_TYPE } from './templates.js';

const cfnMock = mockClient(CloudFormationClient);
const deployedStatus = (status: string) =>
  cfnMock.on(DescribeStacksCommand, { StackName: 'hpcha-Clusters' }).resolves({ Stacks: [{ StackName: 'hpcha-Clusters', StackStatus: status as never, CreationTime: new Date() }] });
beforeEach(() => deployedStatus('UPDATE_COMPLETE'));
afterEach(() => cfnMock.reset());
const client = () => new CloudFormationClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const config = { name: 'hpcha', region: 'cn-north-1' };

const baseSpec = (n: 1 | 2) => ({
  region: 'cn-north-1',
  clusterName: `hpcha-cluster${n}`,
  headNode: { subnetId: `subnet-0a1b2c3d4e5f6000${n}` },
  queues: [{ name: 'compute', subnetIds: [`subnet-0a1b2c3d4e5f6000${n}`], computeResources: [{ name: 'c5', instanceType: 'c5.xlarge', maxCount: 10 }] }],
  sharedStorage: { efs: { fileSystemId: 'fs-0a1b2c3d4e5f60020' }, fsxLustre: { fileSystemId: `fs-0a1b2c3d4e5f6003${n}`, mountDir: `/fsx_cluster${n}` } },
  mungeKeySecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:hpcha/munge-key-AbCdEf',
});
const template = (configs: Record<string, object>) => ({
  Resources: Object.fromEntries(Object.entries(configs).map(([name, c], i) => [
    `Cluster${i + 1}`,
    { Type: CLUSTER_RESOURCE_TYPE, Properties: { ServiceToken: { 'Fn::GetAtt': ['Provider', 'Outputs.ServiceToken'] }, ClusterName: name, ClusterConfiguration: c } },
  ])),
});
const rendered = (n: 1 | 2, edit: (s: any) => void = () => {}) => {
  const spec: any = baseSpec(n);
  edit(spec);
  return renderClusterConfig(spec).config;
};
const synthesized = (t: object): SynthesizedStack[] => [{ hierarchicalId: 'VPC', template: { Resources: {} } }, { hierarchicalId: 'Clusters', template: t }];

function capture() {
  let err = '';
  const stderr = new Writable({ write: (c, _e, cb) => { err += String(c); cb(); } });
  const stdout = new Writable({ write: (_c, _e, cb) => cb() });
  return { ui: createUi({ stdout, stderr, color: false, env: {} }), text: () => err };
}

describe('checkClusterUpdates (diff/deploy step)', () => {
  it('reads the deployed configs with GetTemplate and prints, per cluster, each changed key with its policy', async () => {
    cfnMock.on(GetTemplateCommand, { StackName: 'hpcha-Clusters' }).resolves({
      TemplateBody: JSON.stringify(template({ 'hpcha-cluster1': rendered(1), 'hpcha-cluster2': rendered(2) })),
    });
    const next = template({
      'hpcha-cluster1': rendered(1, (s) => (s.queues[0].computeResources[0].maxCount = 20)),
      'hpcha-cluster2': rendered(2, (s) => (s.scaledownIdletimeMinutes = 30)),
    });
    const out = capture();
    const updates = await checkClusterUpdates(config, synthesized(next), out.ui, { refuse: false, client: client() });
    expect(updates.map((u) => `${u.name} ${u.kind}`)).toEqual(['hpcha-cluster1 update', 'hpcha-cluster2 update']);
    const text = out.text();
    expect(text).toContain('cluster hpcha-cluster1: 1 changed key, update-cluster applies it');
    expect(text).toContain('  Scheduling.SlurmQueues[compute].ComputeResources[c5].MaxCount: 10 → 20  [RESIZE_UPDATE_STRATEGY_ON_REMOVE] live');
    expect(text).toContain('cluster hpcha-cluster2: 1 changed key, ParallelCluster would refuse this update (1 of 1 changes)');
    expect(text).toContain('  Scheduling.SlurmSettings.ScaledownIdletime: 10 → 30  [COMPUTE_FLEET_STOP] REFUSED while the compute fleet runs');
    expect(cfnMock.commandCalls(GetTemplateCommand)[0]!.args[0].input).toEqual({ StackName: 'hpcha-Clusters', TemplateStage: 'Original' });
  });

  it('with refuse (deploy): exit 2 naming every refused key, before anything is deployed', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(template({ 'hpcha-cluster1': rendered(1), 'hpcha-cluster2': rendered(2) })) });
    const next = template({
      'hpcha-cluster1': rendered(1, (s) => (s.headNode.instanceType = 'm5.2xlarge')),
      'hpcha-cluster2': rendered(2, (s) => (s.scaledownIdletimeMinutes = 30)),
    });
    const out = capture();
    const err = await checkClusterUpdates(config, synthesized(next), out.ui, { refuse: true, client: client() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    expect((err as CliError).message).toBe('deploy refused: ParallelCluster would refuse 2 changes to hpcha-cluster1, hpcha-cluster2; nothing was deployed');
    expect((err as CliError).hint).toMatch(/--fleet-stopped/);
    expect(out.text()).toContain('hpcha-cluster1: HeadNode.InstanceType [UNSUPPORTED]: ParallelCluster never updates this key');
    expect(out.text()).toContain('hpcha-cluster2: Scheduling.SlurmSettings.ScaledownIdletime [COMPUTE_FLEET_STOP]: stop the compute fleet first');
  });

  it('names the hpc-ha.yaml key and line behind each refused key, and the fleet command with -n and --region', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-guard-'));
    const file = join(dir, 'hpc-ha.yaml');
    writeFileSync(file, [
      'name: hpcha', 'region: cn-north-1', 'clusters:', '  headNode:', '    instanceType: m5.2xlarge', '  queues:', '    - name: compute',
      '      computeResources:', '        - name: c5', '          instanceType: c5.xlarge', '          maxCount: 5', '',
    ].join('\n'));
    try {
      cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(template({ 'hpcha-cluster1': rendered(1), 'hpcha-cluster2': rendered(2) })) });
      const next = template({
        'hpcha-cluster1': rendered(1, (s) => (s.queues[0].computeResources[0].maxCount = 5)),
        'hpcha-cluster2': rendered(2, (s) => {
          s.headNode.instanceType = 'm5.2xlarge';
          s.scaledownIdletimeMinutes = 30;
        }),
      });
      const out = capture();
      const err = await checkClusterUpdates({ ...config, sourceFile: file }, synthesized(next), out.ui, { refuse: true, client: client() }).catch((e: unknown) => e);
      expect((err as CliError).exitCode).toBe(2);
      const text = out.text();
      expect(text).toContain('hpcha-cluster1: Scheduling.SlurmQueues[compute].ComputeResources[c5].MaxCount [RESIZE_UPDATE_STRATEGY_ON_REMOVE]: stop the compute fleet first (pcluster update-compute-fleet -n hpcha-cluster1 --region cn-north-1 --status STOP_REQUESTED)');
      expect(text).toContain(`  set in ${file}:11 clusters.queues[0].computeResources[0].maxCount`);
      expect(text).toContain(`  set in ${file}:5 clusters.headNode.instanceType`);
      expect(text).toContain(`  set by hpc-ha itself, not by ${file} (an hpc-ha upgrade changed it)`);
      expect(text).toContain('pcluster update-compute-fleet -n hpcha-cluster2 --region cn-north-1 --status STOP_REQUESTED');
      expect(text).not.toMatch(/update-compute-fleet --status/);
      // diff's listing names the same origin under each changed key.
      expect(text).toContain(`    set in ${file}:11 clusters.queues[0].computeResources[0].maxCount`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--fleet-stopped lets a COMPUTE_FLEET_STOP change through, never an UNSUPPORTED one', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(template({ 'hpcha-cluster1': rendered(1) })) });
    const idle = template({ 'hpcha-cluster1': rendered(1, (s) => (s.scaledownIdletimeMinutes = 30)) });
    await expect(checkClusterUpdates(config, synthesized(idle), capture().ui, { refuse: true, fleetStopped: true, client: client() })).resolves.toHaveLength(1);
    const os = template({ 'hpcha-cluster1': rendered(1, (s) => (s.os = 'rhel9')) });
    await expect(checkClusterUpdates(config, synthesized(os), capture().ui, { refuse: true, fleetStopped: true, client: client() })).rejects.toThrow(/refuse 1 change/);
  });

  it('a stack whose first create rolled back holds no cluster: every cluster is new, nothing is refused', async () => {
    deployedStatus('ROLLBACK_COMPLETE');
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(template({ 'hpcha-cluster1': rendered(1) })) });
    const out = capture();
    const next = template({ 'hpcha-cluster1': rendered(1, (s) => (s.headNode.instanceType = 'm5.2xlarge')) });
    const updates = await checkClusterUpdates(config, synthesized(next), out.ui, { refuse: true, client: client() });
    expect(updates.map((u) => u.kind)).toEqual(['new']);
    expect(out.text()).toContain('hpcha-Clusters is ROLLBACK_COMPLETE: its clusters were never created: every cluster is new');
    expect(cfnMock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  it('no deployed stack: every cluster is new, nothing is refused', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(Object.assign(new Error('Stack with id hpcha-Clusters does not exist'), { name: 'ValidationError' }));
    const out = capture();
    const updates = await checkClusterUpdates(config, synthesized(template({ 'hpcha-cluster1': rendered(1), 'hpcha-cluster2': rendered(2) })), out.ui, { refuse: true, client: client() });
    expect(updates.map((u) => u.kind)).toEqual(['new', 'new']);
    expect(out.text()).toContain('hpcha-Clusters is not deployed yet: every cluster is new');
    expect(out.text()).toContain('cluster hpcha-cluster2: new cluster (no deployed hpcha-Clusters has it), created from scratch');
  });

  it('a cluster only in the deployed stack is reported as deleted; a YAML template body is read too', async () => {
    cfnMock.on(GetTemplateCommand).resolves({ TemplateBody: stringify(template({ 'hpcha-cluster1': rendered(1), 'hpcha-old': rendered(2) })) });
    const out = capture();
    const updates = await checkClusterUpdates(config, synthesized(template({ 'hpcha-cluster1': rendered(1) })), out.ui, { refuse: true, client: client() });
    expect(updates.map((u) => `${u.name} ${u.kind}`)).toEqual(['hpcha-cluster1 update', 'hpcha-old removed']);
    expect(out.text()).toContain('cluster hpcha-cluster1: no configuration change');
    expect(out.text()).toContain('cluster hpcha-old: deleted');
  });

  it('any other CloudFormation error fails clearly (exit 1), naming the stack', async () => {
    cfnMock.on(GetTemplateCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:GetTemplate'), { name: 'AccessDenied' }));
    const err = await checkClusterUpdates(config, synthesized(template({ 'hpcha-cluster1': rendered(1) })), capture().ui, { refuse: true, client: client() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(1);
    expect((err as CliError).message).toMatch(/^could not read the deployed template of hpcha-Clusters .*not authorized/);
  });

  it('no Clusters stack in the assembly (provisioner: instance, or --stacks without it): no AWS call', async () => {
    await expect(checkClusterUpdates(config, [{ hierarchicalId: 'VPC', template: {} }], capture().ui, { refuse: true, client: client() })).resolves.toEqual([]);
    expect(cfnMock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });
});
