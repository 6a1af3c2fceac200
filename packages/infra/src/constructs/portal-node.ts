import { Lazy, type Duration } from 'aws-cdk-lib';
import {
  AdditionalHealthCheckType,
  AutoScalingGroup,
  HealthChecks,
  Signals,
  UpdatePolicy,
  type CfnAutoScalingGroup,
} from 'aws-cdk-lib/aws-autoscaling';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  InstanceType,
  LaunchTemplate,
  MachineImage,
  AmazonLinuxCpuType,
  UserData,
  type IKeyPair,
  type ISecurityGroup,
  type ISubnet,
  type IVpc,
} from 'aws-cdk-lib/aws-ec2';
import type { IApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';

export interface PortalNodeProps {
  readonly vpc: IVpc;
  /** The private subnet of this node's AZ: the ASG never leaves it. */
  readonly subnet: ISubnet;
  readonly securityGroup: ISecurityGroup;
  readonly role: IRole;
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  readonly keyPair?: IKeyPair;
  readonly targetGroup: IApplicationTargetGroup;
  /** How long creation waits for the bootstrap's success signal (CloudFormation allows up to 12 hours). */
  readonly signalTimeout: Duration;
  /**
   * How long a rolling replacement waits for the new instance's signal: CloudFormation's `PauseTime`, at most one
   * hour. Default: `signalTimeout`.
   */
  readonly replacementTimeout?: Duration;
}

/**
 * One portal node: an Auto Scaling group of exactly one instance pinned to one AZ, so a lost instance is
 * replaced in the same AZ and its role (for EnginFrame: node 1 installs, node 2 joins) is fixed at synth time. Amazon Linux 2023
 * x86_64 from the public SSM parameter, IMDSv2 only, encrypted gp3 root; creation and every rolling replacement
 * wait for the bootstrap's own success signal.
 */
export class PortalNode extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly autoScalingGroup: AutoScalingGroup;
  private script?: string;

  constructor(scope: Construct, id: string, props: PortalNodeProps) {
    super(scope, id);
    // Lazy: the script names this node's own logical id, known only once the group exists.
    const userData = UserData.custom(
      Lazy.string({
        produce: () => {
          if (this.script === undefined) throw new Error(`internal: ${this.node.path} has no user data`);
          return this.script;
        },
      }),
    );
    this.launchTemplate = new LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: MachineImage.latestAmazonLinux2023({ cpuType: AmazonLinuxCpuType.X86_64 }),
      instanceType: new InstanceType(props.instanceType),
      role: props.role,
      securityGroup: props.securityGroup,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      keyPair: props.keyPair,
      userData,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(props.rootVolumeGiB, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3, deleteOnTermination: true }),
        },
      ],
    });
    this.autoScalingGroup = new AutoScalingGroup(this, 'Group', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [props.subnet] },
      launchTemplate: this.launchTemplate,
      minCapacity: 1,
      maxCapacity: 1,
      signals: Signals.waitForAll({ timeout: props.signalTimeout }),
      // A group of one can keep no instance in service while its only one is replaced (MinInstancesInService must
      // be below MaxSize); the other AZ's node serves meanwhile, which PortalTier's ordering guarantees.
      updatePolicy: UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: 0,
        waitOnResourceSignals: true,
        pauseTime: props.replacementTimeout ?? props.signalTimeout,
      }),
      healthChecks: HealthChecks.withAdditionalChecks({
        additionalTypes: [AdditionalHealthCheckType.ELB],
        gracePeriod: props.signalTimeout,
      }),
    });
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
    // User data is set later with setUserData(), because it names this group's own logical id.
    acknowledge(this.autoScalingGroup, {
      'AwsSolutions-AS3': 'A group of one; replacements are visible in the stack events and the ELB target health',
    });
  }

  /** The logical id of the Auto Scaling group, which the bootstrap names in its cfn-signal. */
  get logicalId(): string {
    const cfn = this.autoScalingGroup.node.defaultChild as CfnAutoScalingGroup;
    return cfn.logicalId;
  }

  setUserData(script: string): void {
    this.script = script;
  }
}
