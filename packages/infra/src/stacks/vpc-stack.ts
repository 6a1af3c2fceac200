import { Stack } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  SubnetType,
  Vpc,
  type ISubnet,
} from 'aws-cdk-lib/aws-ec2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { OOD_DESKTOP_PORTS } from '@hpc-ha/ondemand-config';
import { accountingEnabled, ondemandDesktop, portalTarget } from '../config/index.js';
import { ManagedDirectory } from '../constructs/managed-directory.js';
import { staticArtifacts } from '../artifacts/index.js';
import { ClusterScripts } from '../constructs/cluster-scripts.js';
import { MungeKeySecret } from '../constructs/munge-key.js';
import { HpcSecurityGroups, LINUX_EPHEMERAL_PORTS, SRUN_PORT_RANGE } from '../constructs/security-groups.js';
import { logRetention, statefulRemovalPolicy, type HpcStackProps } from './common.js';

/**
 * The network: one VPC over the config's two Availability Zones, a public and a private subnet in each, a NAT
 * gateway per AZ (losing an AZ must not cut the other AZ's egress) and an S3 gateway endpoint (artifacts, assets
 * and AL2023 repositories without NAT). All security groups live here too.
 *
 * So do the two things both the clusters and the portal read: the munge key and the clusters' custom-action
 * scripts. In the first stack they create no dependency between the portal and the clusters, which then deploy
 * in the same wave (the portal waits, bounded, for its cluster's publication on EFS instead).
 */
export class VpcStack extends Stack {
  readonly vpc: Vpc;
  readonly securityGroups: HpcSecurityGroups;
  /** Private subnet of AZ 1 and of AZ 2, in the config's AZ order. */
  readonly privateSubnets: readonly [ISubnet, ISubnet];
  readonly publicSubnets: readonly [ISubnet, ISubnet];
  /** `directory.create: true`: the AWS Managed Microsoft AD in the two private subnets. */
  readonly managedDirectory?: ManagedDirectory;
  /** The deployment's one munge key (both clusters and both portal nodes). */
  readonly mungeKey: MungeKeySecret;
  /** The clusters' custom-action scripts (S3 assets) and the policy their nodes read them with. */
  readonly clusterScripts: ClusterScripts;

  constructor(scope: Construct, id: string, props: HpcStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prefix = Number(config.network.vpcCidr.split('/')[1]);
    const cidrMask = Math.min(28, prefix + 2);

    this.vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(config.network.vpcCidr),
      availabilityZones: [...config.network.availabilityZones],
      natGateways: 2,
      subnetConfiguration: [
        { name: 'Public', subnetType: SubnetType.PUBLIC, cidrMask },
        { name: 'Private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask },
      ],
      gatewayEndpoints: { S3: { service: GatewayVpcEndpointAwsService.S3 } },
      restrictDefaultSecurityGroup: false,
    });
    const flowLogs = new LogGroup(this, 'FlowLogs', {
      retention: logRetention(config),
      removalPolicy: statefulRemovalPolicy(config),
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: FlowLogTrafficType.REJECT,
    });

    const pick = (subnets: ISubnet[]): readonly [ISubnet, ISubnet] => {
      const byAz = config.network.availabilityZones.map((az) => subnets.find((s) => s.availabilityZone === az));
      if (!byAz[0] || !byAz[1]) throw new Error('internal: the VPC has no subnet in one of the configured AZs');
      return [byAz[0], byAz[1]];
    };
    this.privateSubnets = pick(this.vpc.privateSubnets);
    this.publicSubnets = pick(this.vpc.publicSubnets);

    this.securityGroups = new HpcSecurityGroups(this, 'SecurityGroups', {
      vpc: this.vpc,
      allowedCidrs: config.loadBalancer.allowedCidrs,
      httpRedirect: config.loadBalancer.internetFacing,
      portalPort: portalTarget(config).port,
      portalProduct: portalTarget(config).product,
      // 2.x clusters cannot pin SrunPortRange (see security-groups.ts).
      srunPorts: config.clusters.parallelclusterVersion.startsWith('2.') ? LINUX_EPHEMERAL_PORTS : SRUN_PORT_RANGE,
      ...(ondemandDesktop(config) ? { desktopPorts: { from: OOD_DESKTOP_PORTS.min, to: OOD_DESKTOP_PORTS.max } } : {}),
      accounting: accountingEnabled(config),
      portalUsesDatabase: config.portal.kind === 'enginframe',
    });

    const directory = config.directory;
    if (directory.type === 'activeDirectory' && directory.create) {
      this.managedDirectory = new ManagedDirectory(this, 'ManagedDirectory', {
        vpc: this.vpc,
        subnets: this.privateSubnets,
        domainName: directory.domainName,
        netbiosName: directory.create.netbiosName,
        bindPasswordSecretArn: directory.bindPasswordSecretArn,
        bindDn: directory.bindDn,
        adminGroup: directory.adminGroup,
        removalPolicy: statefulRemovalPolicy(config),
      });
    }
    this.mungeKey = new MungeKeySecret(this, 'MungeKey', { logRetention: logRetention(config), removalPolicy: statefulRemovalPolicy(config) });
    this.clusterScripts = new ClusterScripts(this, 'ClusterScripts', { artifacts: staticArtifacts(config), mungeKeySecretArn: this.mungeKey.secretArn });
  }
}
