import { Peer, Port, SecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { SRUN_PORT_RANGE } from '../artifacts/clusters.js';
import { acknowledge } from '../nag.js';
import { markParallelClusterNodeGroup } from '../rules/parallelcluster/node-groups.js';

export interface HpcSecurityGroupsProps {
  readonly vpc: IVpc;
  /** IPv4 CIDRs allowed to open the portal: the only ingress in the deployment that is not SG-to-SG. */
  readonly allowedCidrs: readonly string[];
  /** Also admit port 80 (redirected to 443) from `allowedCidrs`. */
  readonly httpRedirect: boolean;
  /** The portal nodes' HTTPS port and product (default EnginFrame on 8443; Open OnDemand serves on 443). */
  readonly portalPort?: number;
  readonly portalProduct?: string;
  /** Ports srun on the portal listens on: {@link SRUN_PORT_RANGE} (3.x), {@link LINUX_EPHEMERAL_PORTS} (2.x). */
  readonly srunPorts?: { readonly from: number; readonly to: number };
  /** Open OnDemand's Desktop app: the websockify ports of its sessions on compute nodes (default none: no rule). */
  readonly desktopPorts?: { readonly from: number; readonly to: number };
  /**
   * Slurm accounting: a group the head nodes carry (not the compute nodes) that the database admits on 3306, for
   * their slurmdbd. Default false.
   */
  readonly accounting?: boolean;
  /** Whether the portal nodes use the database (EnginFrame does, Open OnDemand does not). Default true. */
  readonly portalUsesDatabase?: boolean;
}

/** Lustre's LNet port and the range its clients and servers use. */
export const LUSTRE_PORTS = [Port.tcp(988), Port.tcpRange(1018, 1023)] as const;
export const NFS_PORT = 2049;
export const PORTAL_HTTPS_PORT = 8443;
/** EnginFrame Enterprise members talk to each other on this port (its planning guide's network table: 7800/TCP). */
export const ENGINFRAME_ENTERPRISE_PORT = 7800;
/** slurmd on every cluster node: srun on the portal reaches the compute nodes' step daemons here. */
export const SLURMD_PORT = 6818;
/** slurmdbd and slurmctld on the head node (ParallelCluster's SLURM_PORTS_RANGE, 6819-6829). */
export const SLURM_HEAD_PORTS = { from: 6819, to: 6829 } as const;
/**
 * Where srun and salloc on the portal listen for slurmctld's and slurmd's callbacks. ParallelCluster 3.x clusters get
 * it as `SrunPortRange` in their CustomSlurmSettings, and the portal copies their slurm.conf, so the range is known.
 */
export { SRUN_PORT_RANGE };
/** 2.x clusters cannot set SrunPortRange: srun then listens on Linux's default ephemeral range. */
export const LINUX_EPHEMERAL_PORTS = { from: 32768, to: 60999 } as const;

/**
 * Every security group of the deployment and every rule between them, in one place so the "SG-to-SG only" rule
 * can be read (and tested) at a glance. Tier stacks receive these groups; none adds a CIDR rule of its own.
 */
export class HpcSecurityGroups extends Construct {
  readonly loadBalancer: SecurityGroup;
  readonly portal: SecurityGroup;
  /** Additional group of every head and compute node of both clusters. */
  readonly cluster: SecurityGroup;
  readonly efs: SecurityGroup;
  readonly fsx: SecurityGroup;
  readonly database: SecurityGroup;
  /** The db-bootstrap Lambda, the only non-portal client of the database. */
  readonly databaseBootstrap: SecurityGroup;
  /** `accounting`: additional group of the head nodes only, the one cluster group the database admits (slurmdbd). */
  readonly headNodeDatabaseClient?: SecurityGroup;

  constructor(scope: Construct, id: string, props: HpcSecurityGroupsProps) {
    super(scope, id);
    const { vpc } = props;
    const group = (name: string, description: string, allowAllOutbound: boolean) =>
      new SecurityGroup(this, name, { vpc, description, allowAllOutbound });

    this.loadBalancer = group('LoadBalancer', 'hpc-ha portal load balancer', false);
    this.portal = group('Portal', 'hpc-ha EnginFrame nodes', true);
    this.cluster = group('Cluster', 'hpc-ha ParallelCluster head and compute nodes (additional group)', true);
    this.efs = group('Efs', 'hpc-ha EFS mount targets', false);
    markParallelClusterNodeGroup(this.cluster);
    this.fsx = group('Fsx', 'hpc-ha FSx for Lustre file systems', true);
    this.database = group('Database', 'hpc-ha Aurora MySQL cluster', false);
    this.databaseBootstrap = group('DatabaseBootstrap', 'hpc-ha db-bootstrap custom resource', true);

    for (const cidr of props.allowedCidrs) {
      this.loadBalancer.addIngressRule(Peer.ipv4(cidr), Port.tcp(443), 'Portal users (loadBalancer.allowedCidrs)');
      if (props.httpRedirect) this.loadBalancer.addIngressRule(Peer.ipv4(cidr), Port.tcp(80), 'Redirected to HTTPS');
    }
    if (props.allowedCidrs.includes('0.0.0.0/0')) {
      acknowledge(this.loadBalancer, {
        'AwsSolutions-EC23': 'loadBalancer.allowedCidrs explicitly opens the internet-facing portal to everyone',
      });
    }
    const portalPort = props.portalPort ?? PORTAL_HTTPS_PORT;
    this.loadBalancer.addEgressRule(this.portal, Port.tcp(portalPort), `To the ${props.portalProduct ?? 'EnginFrame'} nodes`);
    this.portal.addIngressRule(this.loadBalancer, Port.tcp(portalPort), 'From the load balancer');

    // Portal <-> clusters: only what the Slurm client commands and the one-time /opt/slurm copy use.
    const srun = props.srunPorts ?? SRUN_PORT_RANGE;
    this.portal.addIngressRule(this.portal, Port.tcp(ENGINFRAME_ENTERPRISE_PORT), 'EnginFrame Enterprise members (cluster membership)');
    this.portal.addIngressRule(this.cluster, Port.tcpRange(srun.from, srun.to), 'slurmctld and slurmd calling back srun/salloc on the portal (SrunPortRange)');
    this.cluster.addIngressRule(this.portal, Port.tcpRange(SLURM_HEAD_PORTS.from, SLURM_HEAD_PORTS.to), 'Slurm client commands on the portal to slurmctld/slurmdbd');
    this.cluster.addIngressRule(this.portal, Port.tcp(SLURMD_PORT), 'srun on the portal to the step daemons (slurmd)');
    this.cluster.addIngressRule(this.portal, Port.tcp(NFS_PORT), "The portal's one-time copy of /opt/slurm from the head node (NFSv4)");
    if (props.desktopPorts) {
      // Only websockify is reached from outside the node; it talks to the VNC server (5900+) on the node itself.
      this.cluster.addIngressRule(
        this.portal,
        Port.tcpRange(props.desktopPorts.from, props.desktopPorts.to),
        'Open OnDemand /rnode proxy to the websockify of Desktop sessions on compute nodes',
      );
    }

    // ParallelCluster's EfsIdValidator and FSx networking check want the storage groups to allow the port both in
    // and out to the cluster nodes; the EFS group otherwise sends nothing.
    for (const client of [this.portal, this.cluster]) {
      this.efs.addIngressRule(client, Port.tcp(NFS_PORT), 'NFS clients');
      this.efs.addEgressRule(client, Port.tcp(NFS_PORT), 'NFS clients (ParallelCluster checks egress too)');
      for (const port of LUSTRE_PORTS) this.fsx.addIngressRule(client, port, 'Lustre clients');
    }
    for (const port of LUSTRE_PORTS) this.fsx.addIngressRule(this.fsx, port, 'Lustre servers');

    if (props.portalUsesDatabase ?? true) this.database.addIngressRule(this.portal, Port.tcp(3306), 'EnginFrame nodes');
    this.database.addIngressRule(this.databaseBootstrap, Port.tcp(3306), 'db-bootstrap custom resource');
    if (props.accounting) {
      // Compute nodes carry `cluster` but not this group, so only slurmdbd on the head nodes reaches the database.
      this.headNodeDatabaseClient = group('HeadNodeDatabaseClient', 'hpc-ha head nodes: slurmdbd to Aurora (Slurm accounting)', false);
      this.database.addIngressRule(this.headNodeDatabaseClient, Port.tcp(3306), 'slurmdbd on the head nodes (Slurm accounting)');
      this.headNodeDatabaseClient.addEgressRule(this.database, Port.tcp(3306), 'slurmdbd to Aurora');
    }
  }
}
