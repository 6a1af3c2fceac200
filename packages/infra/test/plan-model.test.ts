import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { deployTiming, deployWaves, loadDeploymentConfig, modelledResources, stackGraph, type DeploymentConfig } from '../src/config/index.js';
import { EXAMPLES, examplePath, REPO_ROOT, variantConfig } from './support/synth.js';

// Only the assembly's shape matters here: aws-cdk-lib's template validator (seconds per synth) adds nothing to it.
process.env['CDK_VALIDATION'] = 'false';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The real app's stacks: dependencies between stacks (not asset manifests) and resource counts by type. */
function assemblyShape(config: DeploymentConfig) {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-plan-'));
  dirs.push(outdir);
  const assembly = createApp(config, { outdir }).synth();
  return assembly.stacks.map((st) => {
    const counts: Record<string, number> = {};
    for (const r of Object.values((st.template as { Resources: Record<string, { Type: string }> }).Resources)) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
    return { id: st.id, dependsOn: st.dependencies.map((d) => d.id).filter((d) => !d.endsWith('.assets')).sort(), counts };
  });
}

const configs: [string, () => DeploymentConfig][] = [
  ...EXAMPLES.map((e): [string, () => DeploymentConfig] => [e, () => loadDeploymentConfig(examplePath(e))]),
  ['us-east-1 with an own certificate, internal', () =>
    variantConfig('us-east-1', { 'loadBalancer.certificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4000-8000-000000000001', 'loadBalancer.internetFacing': false })],
  ['cn-north-1 with provisioner: instance', () => variantConfig('cn-north-1', { 'clusters.provisioner': 'instance' })],
  ['cn-northwest-1 with ParallelCluster 2.11', () =>
    variantConfig('cn-northwest-1', { 'clusters.parallelclusterVersion': '2.11.9', 'clusters.os': 'alinux2', 'clusters.provisioner': 'instance' })],
  ['cn-north-1 with Open OnDemand', () => loadDeploymentConfig(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'))],
  ['cn-north-1 with Slurm accounting', () => variantConfig('cn-north-1', { 'accounting.enabled': true })],
  ['cn-north-1 with Open OnDemand and Slurm accounting', () => variantConfig('cn-north-1-ondemand', { 'accounting.enabled': true })],
  ['cn-north-1 with provisioner: instance and Slurm accounting', () => variantConfig('cn-north-1', { 'clusters.provisioner': 'instance', 'accounting.enabled': true })],
  ['cn-northwest-1 with a managed directory (directory.create: true)', managedDirectoryConfig],
];

/** The Active Directory example with `create: true`: the VPC stack also creates an AWS Managed Microsoft AD. */
function managedDirectoryConfig(): DeploymentConfig {
  const base = loadDeploymentConfig(join(REPO_ROOT, 'examples', 'directory', 'cn-northwest-1-active-directory.yaml'));
  if (base.directory.type !== 'activeDirectory') throw new Error('the example is an Active Directory one');
  return { ...base, directory: { ...base.directory, uris: [], create: { netbiosName: 'CORP' } } };
}

describe.each(configs)('the offline plan model matches the synthesized app: %s', (_name, load) => {
  const config = load();
  const shape = assemblyShape(config);

  it('has the same stacks and the same dependencies between them', () => {
    const model = stackGraph(config).map((n) => ({ id: n.id, dependsOn: [...n.dependsOn].sort() }));
    expect(shape.map(({ id, dependsOn }) => ({ id, dependsOn })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(model.sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('counts the same resources of each type in each stack', () => {
    const model = modelledResources(config);
    for (const st of shape) expect({ stack: st.id, counts: st.counts }).toEqual({ stack: st.id, counts: model[st.id as keyof typeof model] });
  });
});

describe('deploy waves', () => {
  it('cloudformation provisioner: the networked stacks, then the portal and both clusters together (2 waves after the VPC)', () => {
    const config = loadDeploymentConfig(examplePath('cn-north-1'));
    const waves = deployWaves(stackGraph(config));
    expect(waves).toEqual([['VPC'], ['AuroraServerless', 'EFS', 'FSX', 'ALB'], ['Clusters', 'EnginFrame'], ['Monitoring']]);
  });

  it('Open OnDemand: no database stack; the portal and both clusters in the same wave', () => {
    const waves = deployWaves(stackGraph(loadDeploymentConfig(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'))));
    expect(waves).toEqual([['VPC'], ['EFS', 'FSX', 'ALB'], ['Clusters', 'OpenOnDemand'], ['Monitoring']]);
  });

  it('accounting: Aurora exists for Open OnDemand too, and the clusters (whose configs name their databases) wait for it', () => {
    const waves = deployWaves(stackGraph(variantConfig('cn-north-1-ondemand', { 'accounting.enabled': true })));
    expect(waves).toEqual([['VPC'], ['AuroraServerless', 'EFS', 'FSX', 'ALB'], ['Clusters', 'OpenOnDemand'], ['Monitoring']]);
  });

  it('instance provisioner: the portal (which creates the clusters) is the second wave after the VPC', () => {
    const waves = deployWaves(stackGraph(loadDeploymentConfig(examplePath('cn-northwest-1'))));
    // Monitoring watches the head nodes only when it knows them (cloudformation): here it deploys beside the portal.
    expect(waves).toEqual([['VPC'], ['AuroraServerless', 'EFS', 'FSX', 'ALB'], ['EnginFrame', 'Monitoring']]);
  });

  it('refuses a cycle instead of looping', () => {
    expect(() => deployWaves([{ id: 'VPC', dependsOn: ['EFS'] }, { id: 'EFS', dependsOn: ['VPC'] }])).toThrow(/cycle/);
  });
});

describe('modelled critical path', () => {
  it('is at most 0.6 of deploying the same stacks one at a time, for the default config', () => {
    const t = deployTiming(loadDeploymentConfig(examplePath('cn-north-1')));
    expect(t.criticalPathMinutes / t.serialMinutes).toBeLessThanOrEqual(0.6);
    // The same model with the portal waiting for the Clusters stack, as it did before this change.
    const clusters = t.stacks.find((s) => s.id === 'Clusters')!;
    const portal = t.stacks.find((s) => s.id === 'EnginFrame')!;
    const portalAlone = portal.phases.reduce((m, p) => m + p.minutes, 0);
    expect(t.criticalPathMinutes).toBeLessThan(clusters.finishMinute + portalAlone);
  });

  it('with provisioner: instance, saves what runs beside the portal nodes (they create their clusters one AZ at a time)', () => {
    const t = deployTiming(loadDeploymentConfig(examplePath('cn-northwest-1')));
    const portal = t.stacks.find((s) => s.id === 'EnginFrame')!;
    expect(t.criticalPathMinutes).toBe(portal.finishMinute);
    expect(t.serialMinutes - t.criticalPathMinutes).toBeGreaterThan(0);
  });

  it.each([
    ['cn-north-1', 'EnginFrame'],
    ['cn-north-1-ondemand', 'OpenOnDemand'],
  ] as const)('%s: the portal serves without waiting for its cluster (it joins through the re-sync), node 2 after node 1', (example, portalId) => {
    const t = deployTiming(loadDeploymentConfig(join(REPO_ROOT, 'examples', `${example}.yaml`)));
    const clusters = t.stacks.find((s) => s.id === 'Clusters')!;
    const portal = t.stacks.find((s) => s.id === portalId)!;
    // Both start as soon as their own dependencies are done, not a wave later.
    expect(clusters.startMinute).toBe(t.stacks.find((s) => s.id === 'FSX')!.finishMinute);
    expect(portal.startMinute).toBeLessThan(clusters.finishMinute);
    expect(portal.phases.map((p) => p.notBefore)).toEqual([undefined, undefined]);
    // Two nodes one after the other: the stack takes both nodes' time, and no more.
    expect(portal.finishMinute - portal.startMinute).toBe(portal.phases[0]!.minutes + portal.phases[1]!.minutes);
    // The portal does not finish after the clusters because of them: its finish is its own start plus its nodes.
    expect(portal.finishMinute).toBeLessThan(clusters.finishMinute + portal.phases[0]!.minutes + portal.phases[1]!.minutes);
    expect(t.criticalPathMinutes).toBeGreaterThanOrEqual(Math.max(clusters.finishMinute, portal.finishMinute));
  });
});

describe('a managed directory in the plan', () => {
  it('puts its tens of minutes on the VPC stack, so everything after the VPC starts that much later', () => {
    const withDirectory = deployTiming(managedDirectoryConfig());
    const without = deployTiming(loadDeploymentConfig(join(REPO_ROOT, 'examples', 'directory', 'cn-northwest-1-active-directory.yaml')));
    const vpc = withDirectory.stacks.find((s) => s.id === 'VPC')!;
    expect(vpc.finishMinute).toBeGreaterThanOrEqual(20);
    expect(withDirectory.criticalPathMinutes - without.criticalPathMinutes).toBe(vpc.finishMinute - without.stacks.find((s) => s.id === 'VPC')!.finishMinute);
  });
});

describe('nx run infra:deploy', () => {
  it('deploys independent stacks at the same time, as many as the widest wave', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const command: string = pkg.nx.targets.deploy.options.command;
    const widest = Math.max(...deployWaves(stackGraph(loadDeploymentConfig(examplePath('cn-north-1')))).map((w) => w.length));
    expect(command).toMatch(new RegExp(`^cdk deploy --all .*--concurrency ${widest}\\b`));
  });
});
