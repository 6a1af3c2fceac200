import { Port, SecurityGroup, type ISubnet, type IVpc, Peer } from 'aws-cdk-lib/aws-ec2';
import { CfnResolverEndpoint, CfnResolverRule, CfnResolverRuleAssociation } from 'aws-cdk-lib/aws-route53resolver';
import { Construct } from 'constructs';

export interface DirectoryDnsForwardingProps {
  readonly vpc: IVpc;
  /** One subnet per AZ: the endpoint has an address in each, so resolution survives an AZ loss. */
  readonly subnets: readonly [ISubnet, ISubnet];
  /** The directory's DNS name (corp.example.com): queries for it and below it go to the domain controllers. */
  readonly domainName: string;
  /** The domain controllers' DNS server addresses, in any order (all of them are forwarding targets). */
  readonly dnsAddresses: readonly string[];
}

/**
 * Makes a directory's DNS names resolvable from the whole VPC with the Amazon-provided resolver: a Route 53
 * Resolver outbound endpoint in both private subnets and a forwarding rule for the domain, associated with the VPC.
 * The nodes then reach the directory by its DNS name (`ldaps://corp.example.com`, which every domain controller
 * registers), the name its LDAPS certificates carry, instead of by IP address, which certificate verification
 * (`LdapTlsReqCert: hard`) rejects. Every other name keeps resolving as before: only the domain is forwarded.
 */
export class DirectoryDnsForwarding extends Construct {
  readonly ruleId: string;

  constructor(scope: Construct, id: string, props: DirectoryDnsForwardingProps) {
    super(scope, id);
    const group = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: props.vpc,
      allowAllOutbound: false,
      description: `hpc-ha: Route 53 Resolver forwarding of ${props.domainName} to its domain controllers (DNS out only)`,
    });
    // The domain controllers are in this VPC: DNS to its addresses only.
    group.addEgressRule(Peer.ipv4(props.vpc.vpcCidrBlock), Port.udp(53), 'DNS queries to the domain controllers');
    group.addEgressRule(Peer.ipv4(props.vpc.vpcCidrBlock), Port.tcp(53), 'DNS queries to the domain controllers (large answers)');
    const endpoint = new CfnResolverEndpoint(this, 'OutboundEndpoint', {
      direction: 'OUTBOUND',
      ipAddresses: props.subnets.map((s) => ({ subnetId: s.subnetId })),
      securityGroupIds: [group.securityGroupId],
    });
    const rule = new CfnResolverRule(this, 'ForwardDomain', {
      ruleType: 'FORWARD',
      domainName: props.domainName,
      resolverEndpointId: endpoint.attrResolverEndpointId,
      targetIps: props.dnsAddresses.map((ip) => ({ ip, port: '53' })),
    });
    new CfnResolverRuleAssociation(this, 'VpcAssociation', { resolverRuleId: rule.attrResolverRuleId, vpcId: props.vpc.vpcId });
    this.ruleId = rule.attrResolverRuleId;
  }
}
