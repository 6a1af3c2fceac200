import { ArnFormat, Aws, Duration, Stack, Tags, type RemovalPolicy } from 'aws-cdk-lib';
import { KeyPair, type ISecurityGroup, type ISubnet, type IVpc } from 'aws-cdk-lib/aws-ec2';
import type { IApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { acknowledge, nagRef } from '../nag.js';
import { PortalNode } from './portal-node.js';
import { textAsset } from './text-asset.js';

/** CloudFormation's longest `AutoScalingRollingUpdate.PauseTime`: one hour (UpdatePolicy attribute reference). */
export const MAX_ROLLING_PAUSE = Duration.hours(1);
/** CloudFormation's longest `CreationPolicy.ResourceSignal.Timeout`: twelve hours (CreationPolicy attribute reference). */
export const MAX_CREATION_SIGNAL_TIMEOUT = Duration.hours(12);

export interface PortalTierProps {
  readonly vpc: IVpc;
  /** The private subnets of AZ 1 and AZ 2, in that order: node N lives in subnet N and never leaves it. */
  readonly subnets: readonly [ISubnet, ISubnet];
  readonly securityGroup: ISecurityGroup;
  /** The load balancer's target group both nodes register with. */
  readonly targetGroup: IApplicationTargetGroup;
  readonly instanceType: string;
  readonly rootVolumeGiB: number;
  /** An existing EC2 key pair for SSH. Default: none (Session Manager is the way in). */
  readonly keyName?: string;
  /** The portal product, for descriptions ("EnginFrame", "Open OnDemand"). */
  readonly product: string;
  /** The static bootstrap program each node's user data downloads and runs (uploaded as an S3 asset). */
  readonly program: { readonly fileName: string; readonly text: string };
  /** Secrets the nodes read at boot (besides none by default): each is granted `GetSecretValue`, nothing else. */
  readonly secretArns: readonly string[];
  /** `s3://bucket/key` (or HTTPS) locations the nodes download; the S3 ones are granted `GetObject`. */
  readonly artifactUris: readonly (string | undefined)[];
  /** S3 object ARNs the nodes read besides those (assets of the stack, e.g. instance mode's cluster configs). Default none. */
  readonly artifactObjectArns?: readonly string[];
  /** How long a node's first boot may take before its success signal (its bounded waits, summed). */
  readonly creationTimeout: Duration;
  /**
   * How long a replacement boot may take before its signal: the rolling update's pause per node. At most one
   * hour, CloudFormation's limit for `PauseTime`. Default: `creationTimeout`.
   */
  readonly replacementTimeout?: Duration;
  readonly logRetention: RetentionDays;
  /** What happens to the bootstrap log group when the stack goes. */
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The portal tier of either portal kind: two nodes, each an Auto Scaling group of one in its own AZ, behind the load
 * balancer's target group, with the role, log group and bootstrap program they share. Node 2 is created, and on
 * every update replaced, only after node 1 has signalled that it serves, so a launch-template change (a new AMI,
 * an instance type) never takes both AZs' nodes down at once: while one node is replaced the other serves.
 *
 * Creating it with the id `Default` keeps the logical ids its resources had when they were created directly in the
 * portal stacks, so an update of a running deployment neither replaces the nodes nor moves the log group.
 */
export class PortalTier extends Construct {
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly program: Asset;
  readonly nodes: readonly [PortalNode, PortalNode];
  /** How long a node's first boot may take (the ASGs' creation signal timeout). */
  readonly creationTimeout: Duration;
  /** How long a replacement may take (the rolling update's pause per node). */
  readonly replacementTimeout: Duration;

  constructor(scope: Construct, id: string, props: PortalTierProps) {
    super(scope, id);
    this.creationTimeout = props.creationTimeout;
    this.replacementTimeout = props.replacementTimeout ?? props.creationTimeout;
    if (this.creationTimeout.toSeconds() > MAX_CREATION_SIGNAL_TIMEOUT.toSeconds()) {
      throw new Error(`${props.product} nodes: a first boot budget of ${this.creationTimeout.toHumanString()} is longer than CloudFormation's 12-hour signal timeout`);
    }
    if (this.replacementTimeout.toSeconds() > MAX_ROLLING_PAUSE.toSeconds()) {
      throw new Error(
        `${props.product} nodes: a replacement boot budget of ${this.replacementTimeout.toHumanString()} is longer than the one hour CloudFormation allows a rolling update to wait for a node (PauseTime)`,
      );
    }

    this.logGroup = new LogGroup(this, 'BootstrapLogs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.program = textAsset(this, 'BootstrapProgram', props.program.fileName, props.program.text);
    this.role = new Role(this, 'NodeRole', {
      assumedBy: new ServicePrincipal('ec2'),
      description: `hpc-ha ${props.product} nodes`,
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    acknowledge(this.role, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]':
        'Session Manager is the way into the nodes (no SSH key needed); this is its documented instance policy',
    });
    this.grantBootstrap(props);

    const keyPair = props.keyName !== undefined ? KeyPair.fromKeyPairName(this, 'KeyPair', props.keyName) : undefined;
    const node = (index: 0 | 1) =>
      new PortalNode(this, `Node${index + 1}`, {
        vpc: props.vpc,
        subnet: props.subnets[index],
        securityGroup: props.securityGroup,
        role: this.role,
        instanceType: props.instanceType,
        rootVolumeGiB: props.rootVolumeGiB,
        keyPair,
        targetGroup: props.targetGroup,
        signalTimeout: this.creationTimeout,
        replacementTimeout: this.replacementTimeout,
      });
    this.nodes = [node(0), node(1)];
    for (const n of this.nodes) {
      // The Name tag CDK derives from the construct path, as it read before this tier existed: a changed tag would
      // be a new launch-template version, and so a replacement of both nodes on the first update.
      Tags.of(n.launchTemplate).add('Name', `${Stack.of(this).node.path}/${n.node.id}/LaunchTemplate`);
    }
    // CloudFormation updates node 2's group only once node 1's rolling update has its success signal.
    this.nodes[1].node.addDependency(this.nodes[0]);
  }

  /** The logical ids of both nodes' groups, which each node's bootstrap names in its cfn-signal. */
  get signalResources(): readonly [string, string] {
    return [this.nodes[0].logicalId, this.nodes[1].logicalId];
  }

  /** Each node's user data, index 0 for node 1. */
  setUserData(scripts: readonly [string, string]): void {
    this.nodes[0].setUserData(scripts[0]);
    this.nodes[1].setUserData(scripts[1]);
  }

  /** Least privilege: the named secrets and objects, the log group, and this stack's own signal; nothing else. */
  private grantBootstrap(props: PortalTierProps): void {
    const stack = Stack.of(this);
    const role = this.role;
    if (props.secretArns.length > 0) {
      role.addToPolicy(new PolicyStatement({ sid: 'ReadSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...props.secretArns] }));
    }
    const objects = [this.program.bucket.arnForObjects(this.program.s3ObjectKey), ...(props.artifactObjectArns ?? [])];
    for (const uri of props.artifactUris) {
      const s3 = uri === undefined ? null : /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
      if (s3) objects.push(`arn:${Aws.PARTITION}:s3:::${s3[1]}/${s3[2]}`);
    }
    role.addToPolicy(new PolicyStatement({ sid: 'ReadArtifacts', actions: ['s3:GetObject'], resources: objects }));
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ShipBootstrapLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'SignalBootstrap',
        actions: ['cloudformation:SignalResource'],
        resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );
    acknowledge(role, {
      [`AwsSolutions-IAM5[Resource::${nagRef(this.logGroup, 'Arn')}:log-stream:*]`]: 'Each node writes its own log streams, named by instance id at boot',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:${stack.region}:<AWS::AccountId>:stack/${stack.stackName}/*]`]:
        'This stack only; its id suffix is generated by CloudFormation',
    });
  }
}
