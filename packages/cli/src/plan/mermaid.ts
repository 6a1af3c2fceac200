import { clusterPlans, createsDatabase, createsManagedDirectory, portalTarget, type DeploymentConfig } from '@hpc-ha/infra/config';
import type { Plan } from './model.js';

/** Text inside a quoted Mermaid label: quotes and the characters Mermaid reads as markup become entities. */
function label(...lines: string[]): string {
  const text = lines.map((l) => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>');
  return `"${text}"`;
}

/** A node id Mermaid accepts: letters, digits and underscores. */
const id = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

/**
 * The deployment as a Mermaid flowchart, from the config and the offline plan (no AWS call): the load balancer,
 * each AZ as a subgraph with its portal node, its cluster (head node and queues) and its FSx for Lustre, the
 * shared EFS, the database and a managed directory when the deployment creates them, and the deploy waves with
 * the modelled critical path. GitHub and most Markdown viewers render it inside a ```mermaid block.
 */
export function planMermaid(config: DeploymentConfig, plan: Plan): string {
  const out: string[] = ['flowchart TB'];
  const product = portalTarget(config).product;
  const lb = config.loadBalancer.internetFacing ? 'internet-facing' : 'internal';
  out.push(`  users([${label('HPC users', `allowed ${config.loadBalancer.allowedCidrs.join(', ')}`)}])`);
  out.push(`  subgraph deployment[${label(`${config.name} · ${config.region}`)}]`);
  out.push(`    alb[${label('Application Load Balancer', `${lb}, HTTPS → ${product} :${portalTarget(config).port}`)}]`);
  out.push(`    efs[(${label('EFS /efs', 'shared by every node')})]`);
  if (createsDatabase(config)) {
    const size = config.database.mode === 'serverless-v2' ? `Serverless v2 ${config.database.minCapacity}-${config.database.maxCapacity} ACU` : (config.database.instanceType ?? 'provisioned');
    out.push(`    db[(${label('Aurora MySQL 3', size, 'writer + reader in the two AZs')})]`);
  }
  if (createsManagedDirectory(config) && config.directory.type === 'activeDirectory') {
    out.push(`    dir[(${label('AWS Managed Microsoft AD', config.directory.domainName, 'a domain controller per AZ')})]`);
  }
  const fsx = config.storage.fsx;
  for (const p of clusterPlans(config)) {
    const n = p.azIndex + 1;
    out.push(`    subgraph ${id('az', String(n))}[${label(p.availabilityZone)}]`);
    out.push(`      ${id('portal', String(n))}[${label(`${product} node ${n}`, config.portal.instanceType)}]`);
    out.push(`      subgraph ${id('cluster', String(n))}[${label(`${p.name} · ParallelCluster ${config.clusters.parallelclusterVersion}`)}]`);
    out.push(`        ${id('head', String(n))}[${label('head node (Slurm)', config.clusters.headNode.instanceType)}]`);
    for (const q of p.queues) {
      const resources = q.computeResources.map((r) => `${r.instanceType} × ${r.minCount ?? 0}-${r.maxCount}`);
      out.push(`        ${id('q', String(n), q.name)}[${label(`queue ${q.name}${q.capacityType === 'SPOT' ? ' (SPOT)' : ''}`, ...resources)}]`);
    }
    out.push('      end');
    out.push(`      ${id('fsx', String(n))}[(${label(`FSx for Lustre ${p.fsxMountDir}`, `${fsx.deploymentType} ${fsx.storageCapacityGiB} GiB`)})]`);
    out.push('    end');
  }
  out.push('  end');
  out.push('  users -->|HTTPS| alb');
  out.push('  alb --> portal_1 & portal_2');
  out.push('  portal_1 & portal_2 -->|Slurm| head_1 & head_2');
  for (const p of clusterPlans(config)) {
    const n = String(p.azIndex + 1);
    for (const q of p.queues) out.push(`  ${id('head', n)} --> ${id('q', n, q.name)}`);
    out.push(`  ${id('head', n)} -.- ${id('fsx', n)}`);
  }
  out.push('  portal_1 & portal_2 & head_1 & head_2 -.- efs');
  if (createsDatabase(config)) out.push('  portal_1 & portal_2 -.- db');
  if (createsManagedDirectory(config)) out.push('  portal_1 & portal_2 & head_1 & head_2 -.- dir');

  out.push(`  subgraph waves[${label(`deploy waves · modelled critical path ${plan.criticalPathMinutes} min`)}]`);
  out.push('    direction LR');
  plan.waves.forEach((wave, i) => {
    const stacks = wave.map((s) => {
      const st = plan.stacks.find((x) => x.id === s)!;
      return `${st.stackName} ${st.startMinute}→${st.finishMinute} min`;
    });
    out.push(`    ${id('wave', String(i + 1))}[${label(`wave ${i + 1}`, ...stacks)}]`);
  });
  if (plan.waves.length > 1) out.push(`    ${plan.waves.map((_, i) => id('wave', String(i + 1))).join(' --> ')}`);
  out.push('  end');
  return `${out.join('\n')}\n`;
}
