import { accountingEnabled, type DatabaseInputs } from '../accounting.js';
import type { FsxDeploymentType } from '../region-profile.js';
import type { DeploymentConfig } from '../resolved.js';
import type { StackId } from '../stacks.js';
import { deployWaves, stackGraph } from './graph.js';
import { createsManagedDirectory } from '../database.js';

/**
 * Typical creation times, in minutes, of what dominates each stack. They are modelling figures, not guarantees:
 * CloudFormation reports a resource complete only when its service says it is usable, and that is what is timed.
 */
export const TYPICAL_MINUTES = {
  /** VPC, subnets, route tables, internet gateway: API calls that complete in seconds each (a minute together). */
  network: 1,
  /** NAT gateway: created `pending`, usable when `available` (VPC User Guide, "NAT gateway basics"); about 2 min. */
  natGateway: 2,
  /**
   * AWS Managed Microsoft AD (`directory.create: true`): two domain controllers, `Creating` until `Active`; AWS
   * quotes 20 to 40 minutes for a Microsoft AD directory, and CloudFormation waits for `Active`.
   */
  managedDirectory: 30,
  /**
   * A custom resource behind the CDK Provider framework: the functions, their roles (IAM is eventually consistent:
   * new roles take seconds to propagate, IAM User Guide "Troubleshooting IAM": changes are not immediately visible)
   * and one invocation.
   */
  customResource: 2,
  /** Aurora DB cluster without instances: `creating` until `available` (Aurora User Guide, "Creating a DB cluster"). */
  auroraCluster: 3,
  /** One Aurora MySQL instance (writer or reader, Serverless v2 or provisioned): the bulk of an Aurora create. */
  auroraInstance: 10,
  /** EFS file system, then one mount target per AZ, each `creating` until `available` (EFS User Guide, "Creating mount targets"). */
  efsFileSystem: 1,
  efsMountTarget: 2,
  /**
   * FSx for Lustre, `CREATING` until `AVAILABLE` (FSx for Lustre User Guide, "File system status"); persistent types
   * replicate within the AZ and take longer than scratch types.
   */
  fsx: { SCRATCH_1: 8, SCRATCH_2: 8, PERSISTENT_1: 12, PERSISTENT_2: 15 } satisfies Record<FsxDeploymentType, number>,
  /** Application Load Balancer: `provisioning` until `active` (ELB User Guide, "Load balancer state"). */
  loadBalancer: 3,
  /** ParallelCluster's provider template (nested stack: functions, layer, roles). */
  pclusterProvider: 4,
  /**
   * One ParallelCluster cluster: its stack, then the head node's bootstrap, which ParallelCluster allows 30 minutes
   * by default (`DevSettings/Timeouts/HeadNodeBootstrapTimeout`, 1800 s); 20 is a typical run.
   */
  pclusterCluster: 20,
  /** The pcluster CLI installed with pip on a portal node, before it creates its cluster (`provisioner: instance`). */
  pclusterCliInstall: 3,
  /** Portal node 1: packages, mounts, the EnginFrame installer on EFS, first start and health check. */
  portalInstall: 20,
  /**
   * Portal node 2 of EnginFrame: packages and mounts, then it joins node 1's install on EFS and starts. Also one
   * Open OnDemand node: packages (from the repository or the S3 bundle), directory, portal configuration.
   */
  portalJoin: 10,
  /** Alarms, the dashboard and (with emails) a KMS key and SNS topic: API calls that complete in seconds each. */
  monitoring: 2,
} as const;

/** One step of a stack's longest internal chain. */
export interface Phase {
  readonly what: string;
  readonly minutes: number;
  /** The step cannot finish before this other stack has (a wait at run time, not a CloudFormation dependency). */
  readonly notBefore?: StackId;
}

export interface StackTiming {
  readonly id: StackId;
  readonly phases: readonly Phase[];
  readonly startMinute: number;
  readonly finishMinute: number;
}

export interface DeployTiming {
  readonly waves: StackId[][];
  readonly stacks: readonly StackTiming[];
  /** When the last stack finishes, stacks deployed as soon as their dependencies are done. */
  readonly criticalPathMinutes: number;
  /** The same stacks deployed one at a time (what `cdk deploy --all` does without `--concurrency`). */
  readonly serialMinutes: number;
}

type TimingConfig = Pick<DeploymentConfig, 'clusters' | 'storage' | 'loadBalancer' | 'portal' | 'directory'> & Pick<DatabaseInputs, 'accounting'>;

function databaseUsers(config: TimingConfig): string {
  const what = [
    ...(config.portal.kind === 'enginframe' ? ['EnginFrame database and user'] : []),
    ...(accountingEnabled(config) ? ["each cluster's accounting database and slurmdbd user"] : []),
  ];
  return `${what.join(', ')} (custom resource${what.length > 1 ? 's' : ''})`;
}

function phases(config: TimingConfig, id: StackId): Phase[] {
  const m = TYPICAL_MINUTES;
  const instanceMode = config.clusters.provisioner === 'instance';
  switch (id) {
    case 'VPC':
      // The munge key's custom resource runs beside the network, and is shorter than network + NAT; a managed
      // directory needs only the subnets and runs beside the NAT gateways, far longer than them.
      return [
        { what: 'VPC, subnets, routes', minutes: m.network },
        createsManagedDirectory(config)
          ? { what: 'AWS Managed Microsoft AD, two domain controllers (beside the NAT gateways)', minutes: m.managedDirectory }
          : { what: 'NAT gateways (one per AZ, in parallel)', minutes: m.natGateway },
      ];
    case 'AuroraServerless':
      // CDK creates the reader after the writer.
      return [
        { what: 'Aurora cluster', minutes: m.auroraCluster },
        { what: 'Aurora writer instance', minutes: m.auroraInstance },
        { what: 'Aurora reader instance', minutes: m.auroraInstance },
        // The custom resources of one stack run in parallel (EnginFrame's, and each cluster's accounting database).
        { what: databaseUsers(config), minutes: m.customResource },
      ];
    case 'EFS':
      return [
        { what: 'EFS file system', minutes: m.efsFileSystem },
        { what: 'EFS mount targets (both AZs, in parallel)', minutes: m.efsMountTarget },
      ];
    case 'FSX':
      return [{ what: `FSx for Lustre ${config.storage.fsx.deploymentType} (both AZs, in parallel)`, minutes: m.fsx[config.storage.fsx.deploymentType] }];
    case 'ALB':
      return [{ what: 'load balancer', minutes: m.loadBalancer }];
    case 'Clusters':
      return [
        { what: 'ParallelCluster provider stack', minutes: m.pclusterProvider },
        { what: 'clusters (both, in parallel)', minutes: m.pclusterCluster },
      ];
    case 'OpenOnDemand':
      // Equal nodes, one after the other (node 2 waits for node 1's signal); neither waits for its cluster, which
      // it joins through the re-sync timer once the cluster publishes.
      return [
        { what: 'Open OnDemand node 1: packages, directory, portal', minutes: m.portalJoin },
        { what: 'Open OnDemand node 2: packages, directory, portal', minutes: m.portalJoin },
      ];
    case 'Monitoring':
      return [{ what: 'alarms, dashboard and notification topic', minutes: m.monitoring }];
    case 'EnginFrame':
      return instanceMode
        ? [
            { what: 'cluster teardown custom resource', minutes: m.customResource },
            { what: 'portal node 1: pcluster CLI, its cluster, EnginFrame install', minutes: m.pclusterCliInstall + m.pclusterCluster + m.portalInstall },
            // Node 2's cluster was created by node 2 itself: it starts after node 1 (rolling, one AZ at a time).
            { what: 'portal node 2: pcluster CLI, its cluster, join', minutes: m.pclusterCliInstall + m.pclusterCluster + m.portalJoin },
          ]
        : [
            // The clusters join through the re-sync timer as they publish: the portal serves without waiting for them.
            { what: 'portal node 1: EnginFrame install', minutes: m.portalInstall },
            { what: 'portal node 2: join', minutes: m.portalJoin },
          ];
  }
}

const sum = (ps: readonly Phase[]) => ps.reduce((t, p) => t + p.minutes, 0);

/** The modelled deploy: waves, when each stack starts and ends, the critical path and the serial total. */
export function deployTiming(config: TimingConfig): DeployTiming {
  const graph = stackGraph(config);
  const waves = deployWaves(graph);
  const finish = new Map<StackId, number>();
  const stacks: StackTiming[] = [];
  for (const id of waves.flat()) {
    const node = graph.find((n) => n.id === id)!;
    const start = Math.max(0, ...node.dependsOn.map((d) => finish.get(d) ?? 0));
    const ps = phases(config, id);
    let t = start;
    for (const p of ps) {
      t += p.minutes;
      // Only stacks of earlier waves or of the same wave (already timed or not yet): a same-wave stack that has
      // not been timed yet is timed first by the wave order, because every `notBefore` names an earlier entry.
      if (p.notBefore !== undefined && finish.has(p.notBefore)) t = Math.max(t, finish.get(p.notBefore)!);
    }
    finish.set(id, t);
    stacks.push({ id, phases: ps, startMinute: start, finishMinute: t });
  }
  return {
    waves,
    stacks,
    criticalPathMinutes: Math.max(...finish.values()),
    serialMinutes: stacks.reduce((t, s) => t + sum(s.phases), 0),
  };
}
