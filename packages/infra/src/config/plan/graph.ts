import type { DeploymentConfig } from '../resolved.js';
import type { StackId } from '../stacks.js';
import { createsDatabase } from '../database.js';

/** One stack of a deployment and the stacks CloudFormation must finish before it starts. */
export interface StackNode {
  readonly id: StackId;
  readonly dependsOn: readonly StackId[];
}

/**
 * The app's stack dependency graph for a config, without aws-cdk-lib: the CDK app adds exactly these edges (the
 * references between stacks plus the explicit ones), and a test synthesizes every example to keep the two equal.
 * The portal stack does not depend on the Clusters stack: each portal node waits, bounded, for its own cluster to
 * publish on EFS, so the two deploy in the same wave.
 */
export function stackGraph(config: Pick<DeploymentConfig, 'clusters' | 'portal'>): StackNode[] {
  const storage: StackId[] = ['VPC', 'EFS', 'FSX'];
  const ondemand = config.portal.kind === 'openondemand';
  const nodes: StackNode[] = [
    { id: 'VPC', dependsOn: [] },
    ...(createsDatabase(config) ? [{ id: 'AuroraServerless' as const, dependsOn: ['VPC' as const] }] : []),
    { id: 'EFS', dependsOn: ['VPC'] },
    { id: 'FSX', dependsOn: ['VPC'] },
    { id: 'ALB', dependsOn: ['VPC'] },
  ];
  if (config.clusters.provisioner === 'cloudformation') nodes.push({ id: 'Clusters', dependsOn: storage });
  if (ondemand) nodes.push({ id: 'OpenOnDemand', dependsOn: ['VPC', 'EFS', 'FSX', 'ALB'] });
  else nodes.push({ id: 'EnginFrame', dependsOn: ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB'] });
  return nodes;
}

/**
 * Waves: sets of stacks that can deploy at the same time once every earlier wave is done (a stack's wave is one
 * more than the latest wave among its dependencies). Stack order inside a wave follows the graph's order.
 */
export function deployWaves(graph: readonly StackNode[]): StackId[][] {
  const wave = new Map<StackId, number>();
  const ids = new Set(graph.map((n) => n.id));
  const visiting = new Set<StackId>();
  const byId = new Map(graph.map((n) => [n.id, n]));
  const level = (id: StackId): number => {
    const known = wave.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) throw new Error(`stack dependency cycle through ${id}`);
    visiting.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => ids.has(d));
    const w = deps.length === 0 ? 0 : Math.max(...deps.map(level)) + 1;
    visiting.delete(id);
    wave.set(id, w);
    return w;
  };
  const waves: StackId[][] = [];
  for (const n of graph) (waves[level(n.id)] ??= []).push(n.id);
  return waves;
}
