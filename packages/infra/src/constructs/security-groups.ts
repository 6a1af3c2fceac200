import { Peer, Port, SecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface HpcSecurityGroupsProps {
  readonly vpc: IVpc;
  /** IPv4 CIDRs allowed to open the portal: the only ingress in the deployment that is not SG-to-SG. */
  readonly allowedCidrs: readonly string[];
  /** Also admit port 80 (redirected to 443) from `allowedCidrs`. */
  readonly httpRedirect: boolean;
  /** The portal nodes' HTTPS port and product (default EnginFrame on 8443; Open OnDemand serves on 443). */
  readonly portalPort?: number;
  readonly portalProduct?: string;
}

/** Lustre's LNet port and the range its clients and servers use. */
export const LUSTRE_PORTS = [Port.tcp(988), Port.tcpRange(1018, 1023)] as const;
export const PORTAL_HTTPS_PORT = 8443;

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

  constructor(scope: Construct, id: string, props: HpcSecurityGroupsProps) {
    super(scope, id);
    const { vpc } = props;
    const group = (name: string, description: string, allowAllOutbound: boolean) =>
      new SecurityGroup(this, name, { vpc, description, allowAllOutbound });

    this.loadBalancer = group('LoadBalancer', 'hpc-ha portal load balancer', false);
    this.portal = group('Portal', 'hpc-ha EnginFrame nodes', true);
    this.cluster = group('Cluster', 'hpc-ha ParallelCluster head and compute nodes (additional group)', true);
    this.efs = group('Efs', 'hpc-ha EFS mount targets', false);
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

    // EnginFrame Enterprise members talk to each other (Hazelcast, RMI); Slurm talks both ways between the
    // portal's client commands and the clusters' daemons (slurmctld, srun callbacks, the head node's /opt/slurm NFS).
    this.portal.addIngressRule(this.portal, Port.allTcp(), 'EnginFrame Enterprise members');
    this.portal.addIngressRule(this.cluster, Port.allTcp(), 'Slurm daemons calling back to portal clients');
    this.cluster.addIngressRule(this.portal, Port.allTcp(), 'Slurm clients and /opt/slurm NFS from the portal');

    for (const client of [this.portal, this.cluster]) {
      this.efs.addIngressRule(client, Port.tcp(2049), 'NFS clients');
      for (const port of LUSTRE_PORTS) this.fsx.addIngressRule(client, port, 'Lustre clients');
    }
    for (const port of LUSTRE_PORTS) this.fsx.addIngressRule(this.fsx, port, 'Lustre servers');

    this.database.addIngressRule(this.portal, Port.tcp(3306), 'EnginFrame nodes');
    this.database.addIngressRule(this.databaseBootstrap, Port.tcp(3306), 'db-bootstrap custom resource');
  }
}
