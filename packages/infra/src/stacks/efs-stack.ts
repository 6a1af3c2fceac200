import { CfnOutput, Stack } from 'aws-cdk-lib';
import { SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystem, PerformanceMode, ThroughputMode } from 'aws-cdk-lib/aws-efs';
import type { Construct } from 'constructs';
import { statefulRemovalPolicy, type HpcStackProps } from './common.js';

export interface EfsStackProps extends HpcStackProps {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
}

/**
 * The regional file system both AZs share: EnginFrame's NICE_ROOT (one install for both nodes), the clusters'
 * published client configs and shared applications. Mount targets in both private subnets.
 */
export class EfsStack extends Stack {
  readonly fileSystem: FileSystem;

  constructor(scope: Construct, id: string, props: EfsStackProps) {
    super(scope, id, props);
    const { config } = props;
    // No file-system policy: EnginFrame needs root access without squashing (setuid helpers, spooler ownership);
    // access is limited to the portal and cluster security groups instead.
    this.fileSystem = new FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroup: props.securityGroup,
      encrypted: true,
      performanceMode: PerformanceMode.GENERAL_PURPOSE,
      throughputMode: ThroughputMode.ELASTIC,
      enableAutomaticBackups: true,
      removalPolicy: statefulRemovalPolicy(config),
    });
    new CfnOutput(this, 'EfsFileSystemId', { value: this.fileSystem.fileSystemId, description: 'EFS (mounted at /efs)' });
  }
}
