import { ArnFormat, Aws, CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import { KeyPair, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal, type IManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { CLUSTER_TEARDOWN_PROPERTIES } from '@hpc-ha/lambdas';
import type { Construct } from 'constructs';
import {
  buildDeploymentArtifacts,
  clusterConfigObjects,
  clusterIamResourcePrefix,
  isLegacyParallelCluster,
  staticArtifacts,
  type ClusterValues,
  type DeploymentValues,
} from '../artifacts/index.js';
import { clusterPlans, enginframePortal, PORTAL_URL_OUTPUT, type DeploymentConfig } from '../config/index.js';
import { BundledProvider } from '../constructs/bundled-provider.js';
import {
  legacyParallelClusterOperatorStatements,
  parallelClusterOperatorStatements,
  ParallelClusterOperatorPolicies,
} from '../constructs/parallelcluster-iam.js';
import { PortalNode } from '../constructs/portal-node.js';
import { textAsset } from '../constructs/text-asset.js';
import { acknowledge, nagRef } from '../nag.js';
import type { ClusterInfrastructure } from './clusters-stack.js';
import { logRetention, statefulRemovalPolicy, type HpcStackProps } from './common.js';

export interface EnginFrameStackProps extends HpcStackProps, ClusterInfrastructure {
  readonly portalSecurityGroup: ISecurityGroup;
  readonly targetGroup: ApplicationTargetGroup;
  readonly loadBalancerDnsName: string;
  readonly databaseEndpoint: string;
  readonly databaseUserSecret: ISecret;
  /** The deploy-time values of both cluster configs (the portal nodes create the clusters with `provisioner: instance`). */
  readonly clusterValues: ClusterValues;
  /** The munge key the nodes install (its ARN, once written, is `clusterValues.mungeKeySecretArn`). */
  readonly mungeKeySecret: ISecret;
  /** The policy cluster nodes read their scripts with; with `provisioner: instance` pcluster validates with it too. */
  readonly clusterNodePolicy?: IManagedPolicy;
}

/** How long a node's bootstrap may take: install, plus creating its cluster when the node runs pcluster. */
function signalTimeout(instanceMode: boolean): Duration {
  return instanceMode ? Duration.minutes(150) : Duration.minutes(90);
}

/**
 * The EnginFrame portal: one node per AZ (node 1 installs on EFS, node 2 joins), registered with the load balancer's
 * target group. Each node's user data is the settings block rendered by enginframe-config with this deployment's
 * values plus a loader for the static bootstrap program (an S3 asset). With `provisioner: instance` this stack also
 * owns the munge key, the cluster scripts and the teardown that deletes both clusters before the VPC goes.
 */
export class EnginFrameStack extends Stack {
  readonly role: Role;
  readonly nodes: readonly [PortalNode, PortalNode];
  readonly portalUrl: string;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EnginFrameStackProps) {
    super(scope, id, props);
    const { config } = props;
    const instanceMode = config.clusters.provisioner === 'instance';
    const statics = staticArtifacts(config);

    this.logGroup = new LogGroup(this, 'BootstrapLogs', { retention: logRetention(config), removalPolicy: statefulRemovalPolicy(config) });
    const program = textAsset(this, 'BootstrapProgram', 'portal-bootstrap.sh', statics.portalProgram);
    // provisioner: instance: each cluster's config as an S3 object (placeholders filled on the node), not in user data.
    const configAssets = instanceMode
      ? clusterConfigObjects(config).map((o, i) => textAsset(this, `Cluster${i + 1}Config`, o.fileName, o.template))
      : [];

    this.role = new Role(this, 'NodeRole', {
      assumedBy: new ServicePrincipal('ec2'),
      description: 'hpc-ha EnginFrame nodes',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.grantNodeAccess(props, props.mungeKeySecret, [program, ...configAssets].map((a) => a.bucket.arnForObjects(a.s3ObjectKey)));
    acknowledge(this.role, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]':
        'Session Manager is the way into the nodes (no SSH key needed); this is its documented instance policy',
    });

    const keyPair = config.portal.keyName !== undefined ? KeyPair.fromKeyPairName(this, 'KeyPair', config.portal.keyName) : undefined;
    const node = (index: 0 | 1) =>
      new PortalNode(this, `Node${index + 1}`, {
        vpc: props.vpc,
        subnet: props.privateSubnets[index],
        securityGroup: props.portalSecurityGroup,
        role: this.role,
        instanceType: config.portal.instanceType,
        rootVolumeGiB: config.portal.rootVolumeGiB,
        keyPair,
        targetGroup: props.targetGroup,
        signalTimeout: signalTimeout(instanceMode),
      });
    this.nodes = [node(0), node(1)];
    // Node 2 joins node 1's install, and a rolling update then replaces one AZ at a time.
    this.nodes[1].node.addDependency(this.nodes[0]);

    const values: DeploymentValues = {
      ...props.clusterValues,
      portalProgramUri: program.s3ObjectUrl,
      databaseEndpoint: props.databaseEndpoint,
      databaseUserSecretArn: props.databaseUserSecret.secretArn,
      signalStackName: this.stackName,
      signalResources: [this.nodes[0].logicalId, this.nodes[1].logicalId],
      bootstrapLogGroupName: this.logGroup.logGroupName,
      ...(configAssets.length === 2 ? { clusterConfigUris: [configAssets[0]!.s3ObjectUrl, configAssets[1]!.s3ObjectUrl] as const } : {}),
    };
    const artifacts = buildDeploymentArtifacts(config, values);
    this.nodes[0].setUserData(artifacts.portalNodes[0].userData);
    this.nodes[1].setUserData(artifacts.portalNodes[1].userData);

    if (instanceMode) this.instanceModeClusters(props);

    this.portalUrl = `https://${props.loadBalancerDnsName}/enginframe/`;
    new CfnOutput(this, PORTAL_URL_OUTPUT, { value: this.portalUrl, description: 'EnginFrame portal (log in as efadmin)' });
  }

  /** Least privilege for the nodes: the secrets, S3 objects and log group the bootstrap uses, nothing else. */
  private grantNodeAccess(props: EnginFrameStackProps, mungeKey: ISecret, assetObjectArns: readonly string[]): void {
    const { config } = props;
    const portal = enginframePortal(config);
    const role = this.role;
    role.addToPolicy(
      new PolicyStatement({
        sid: 'ReadSecrets',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [portal.adminPasswordSecretArn, mungeKey.secretArn, props.databaseUserSecret.secretArn, ...directorySecrets(config)],
      }),
    );
    const objects = [...assetObjectArns];
    for (const artifact of [portal.installer, portal.jdbcDriver, portal.licenseFile, ...directoryArtifacts(config)]) {
      const s3 = artifact && /^s3:\/\/([^/]+)\/(.+)$/.exec(artifact.uri);
      if (s3) objects.push(`arn:${Aws.PARTITION}:s3:::${s3[1]}/${s3[2]}`);
    }
    role.addToPolicy(new PolicyStatement({ sid: 'ReadArtifacts', actions: ['s3:GetObject'], resources: objects }));
    if (config.regionProfile.enginframeLicenseBucket) {
      // EnginFrame on EC2 checks its free licence in AWS's bucket for the region, with the instance role.
      const licenseObjects = `arn:${Aws.PARTITION}:s3:::enginframe-license.${Aws.REGION}/*`;
      role.addToPolicy(new PolicyStatement({ sid: 'ReadEnginFrameLicense', actions: ['s3:GetObject'], resources: [licenseObjects] }));
      acknowledge(role, {
        [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::enginframe-license.<AWS::Region>/*]`]:
          "AWS's own EnginFrame licence bucket: EnginFrame names the object it reads, read-only",
      });
    }
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
        resources: [this.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${this.stackName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      }),
    );
    acknowledge(role, {
      [`AwsSolutions-IAM5[Resource::${nagRef(this.logGroup, 'Arn')}:log-stream:*]`]: 'Each node writes its own log streams, named by instance id at boot',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:${this.region}:<AWS::AccountId>:stack/${this.stackName}/*]`]:
        'This stack only; its id suffix is generated by CloudFormation',
    });
  }

  /** `provisioner: instance`: the nodes run pcluster; the teardown deletes both clusters before the VPC is deleted. */
  private instanceModeClusters(props: EnginFrameStackProps): void {
    const { config } = props;
    const names = clusterPlans(config).map((p) => p.name);
    const clusters = names.map((name) => ({ name, ...optionalPrefix(clusterIamResourcePrefix(config, name)) }));
    // Split: the published statements together pass IAM's 6,144-character limit for one managed policy.
    const operator = new ParallelClusterOperatorPolicies(this, 'ParallelClusterOperator', {
      description: "hpc-ha: what the pcluster CLI needs to create, update and delete this deployment's clusters",
      statements: [
        ...parallelClusterOperatorStatements(this, config.partition, clusters),
        ...(isLegacyParallelCluster(config) ? legacyParallelClusterOperatorStatements(this) : []),
      ],
      wildcardReason: "ParallelCluster's own published policy, narrowed to this deployment's cluster names where it names resources after them",
    });
    for (const policy of operator.policies) this.role.addManagedPolicy(policy);
    // pcluster validates the config by reading the custom-action scripts with the node's own credentials.
    if (props.clusterNodePolicy) this.role.addManagedPolicy(props.clusterNodePolicy);
    const teardown = new BundledProvider(this, 'ClusterTeardown', {
      handler: 'cluster-teardown',
      timeout: Duration.minutes(5),
      totalTimeout: Duration.minutes(58),
      logRetention: logRetention(config),
    });
    for (const policy of operator.policies) teardown.role.addManagedPolicy(policy);
    const resource = new CustomResource(this, 'Clusters', {
      serviceToken: teardown.serviceToken,
      resourceType: 'Custom::ClusterTeardown',
      properties: {
        [CLUSTER_TEARDOWN_PROPERTIES.clusterNames]: names,
        [CLUSTER_TEARDOWN_PROPERTIES.parallelClusterVersion]: config.clusters.parallelclusterVersion,
      },
    });
    // Created before the nodes, so it is deleted after them, and before the network the clusters live in.
    for (const n of this.nodes) n.node.addDependency(resource);
    names.forEach((name, i) => new CfnOutput(this, `Cluster${i + 1}Name`, { value: name, description: 'ParallelCluster cluster created by portal node ' + (i + 1) }));
  }
}

function optionalPrefix(resourcePrefix: string | undefined): { resourcePrefix?: string } {
  return resourcePrefix === undefined ? {} : { resourcePrefix };
}

/** The directory's bind password secret, read by the portal step (the clusters' head nodes get it from ParallelCluster). */
function directorySecrets(config: DeploymentConfig): string[] {
  return config.directory.type === 'none' ? [] : [config.directory.bindPasswordSecretArn];
}

/** The directory's CA bundle, when it is an S3 object the portal nodes download. */
function directoryArtifacts(config: DeploymentConfig): { uri: string }[] {
  return config.directory.type !== 'none' && config.directory.caCertificate ? [config.directory.caCertificate] : [];
}
