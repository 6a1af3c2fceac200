import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystemTypeVersion, LustreDeploymentType, LustreFileSystem } from 'aws-cdk-lib/aws-fsx';
import type { Construct } from 'constructs';
import { clusterPlans } from '../config/index.js';
import { statefulRemovalPolicy, type HpcStackProps } from './common.js';

export interface FsxStackProps extends HpcStackProps {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  /** One private subnet per AZ, in the config's AZ order: FSx for Lustre is a single-AZ service. */
  readonly subnets: readonly [ISubnet, ISubnet];
}

/** One FSx for Lustre per AZ (cluster1 → /fsx_cluster1, cluster2 → /fsx_cluster2), type and size from the config. */
export class FsxStack extends Stack {
  readonly fileSystems: readonly [LustreFileSystem, LustreFileSystem];

  constructor(scope: Construct, id: string, props: FsxStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { fsx } = config.storage;
    const persistent = fsx.deploymentType.startsWith('PERSISTENT');
    const make = (index: 0 | 1): LustreFileSystem => {
      const plan = clusterPlans(config)[index];
      const fileSystem = new LustreFileSystem(this, `Lustre${index + 1}`, {
        vpc: props.vpc,
        vpcSubnet: props.subnets[index],
        securityGroup: props.securityGroup,
        storageCapacityGiB: fsx.storageCapacityGiB,
        fileSystemTypeVersion: FileSystemTypeVersion.V_2_15,
        lustreConfiguration: {
          deploymentType: LustreDeploymentType[fsx.deploymentType],
          perUnitStorageThroughput: fsx.perUnitStorageThroughput,
          automaticBackupRetention: persistent && !config.disposable ? Duration.days(7) : undefined,
          copyTagsToBackups: persistent ? true : undefined,
        },
        removalPolicy: statefulRemovalPolicy(config),
      });
      new CfnOutput(this, `FsxFileSystemId${index + 1}`, {
        value: fileSystem.fileSystemId,
        description: `FSx for Lustre of ${plan.id} (mounted at ${plan.fsxMountDir})`,
      });
      return fileSystem;
    };
    this.fileSystems = [make(0), make(1)];
  }
}
