import { Aws, CfnOutput, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PolicyStatement, type IManagedPolicy, type Role } from 'aws-cdk-lib/aws-iam';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
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
import type { PortalNode } from '../constructs/portal-node.js';
import { PortalTier } from '../constructs/portal-tier.js';
import { textAsset } from '../constructs/text-asset.js';
import { acknowledge } from '../nag.js';
import type { ClusterInfrastructure } from './clusters-stack.js';
import { logRetention, type HpcStackProps } from './common.js';
import { commonPortalTierProps } from './portal-tier-props.js';

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

/**
 * The EnginFrame portal: one node per AZ (node 1 installs on EFS, node 2 joins), registered with the load balancer's
 * target group. Each node's user data is the settings block rendered by enginframe-config with this deployment's
 * values plus a loader for the static bootstrap program (an S3 asset). With `provisioner: instance` this stack also
 * owns the munge key, the cluster scripts and the teardown that deletes both clusters before the VPC goes.
 */
export class EnginFrameStack extends Stack {
  readonly tier: PortalTier;
  readonly role: Role;
  readonly nodes: readonly [PortalNode, PortalNode];
  readonly portalUrl: string;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EnginFrameStackProps) {
    super(scope, id, props);
    const { config } = props;
    const instanceMode = config.clusters.provisioner === 'instance';
    const statics = staticArtifacts(config);
    const portal = enginframePortal(config);

    // provisioner: instance: each cluster's config as an S3 object (placeholders filled on the node), not in user data.
    const configAssets = instanceMode
      ? clusterConfigObjects(config).map((o, i) => textAsset(this, `Cluster${i + 1}Config`, o.fileName, o.template))
      : [];
    this.tier = new PortalTier(this, 'Default', {
      ...commonPortalTierProps(props),
      product: 'EnginFrame',
      program: { fileName: 'portal-bootstrap.sh', text: statics.portalProgram },
      secretArns: [portal.adminPasswordSecretArn, props.mungeKeySecret.secretArn, props.databaseUserSecret.secretArn, ...directorySecrets(config)],
      artifactUris: [portal.installer.uri, portal.jdbcDriver.uri, portal.licenseFile?.uri, ...directoryArtifacts(config).map((a) => a.uri)],
      artifactObjectArns: configAssets.map((a) => a.bucket.arnForObjects(a.s3ObjectKey)),
    });
    this.role = this.tier.role;
    this.nodes = this.tier.nodes;
    this.logGroup = this.tier.logGroup;
    this.grantLicenseBucket(config);

    const values: DeploymentValues = {
      ...props.clusterValues,
      portalProgramUri: this.tier.program.s3ObjectUrl,
      databaseEndpoint: props.databaseEndpoint,
      databaseUserSecretArn: props.databaseUserSecret.secretArn,
      signalStackName: this.stackName,
      signalResources: this.tier.signalResources,
      bootstrapLogGroupName: this.logGroup.logGroupName,
      ...(configAssets.length === 2 ? { clusterConfigUris: [configAssets[0]!.s3ObjectUrl, configAssets[1]!.s3ObjectUrl] as const } : {}),
    };
    const artifacts = buildDeploymentArtifacts(config, values);
    this.tier.setUserData([artifacts.portalNodes[0].userData, artifacts.portalNodes[1].userData]);

    if (instanceMode) this.instanceModeClusters(props);

    this.portalUrl = `https://${props.loadBalancerDnsName}/enginframe/`;
    new CfnOutput(this, PORTAL_URL_OUTPUT, { value: this.portalUrl, description: 'EnginFrame portal (log in as efadmin)' });
  }

  /** EnginFrame on EC2 checks its free licence in AWS's bucket for the region, with the instance role. */
  private grantLicenseBucket(config: DeploymentConfig): void {
    if (!config.regionProfile.enginframeLicenseBucket) return;
    const licenseObjects = `arn:${Aws.PARTITION}:s3:::enginframe-license.${Aws.REGION}/*`;
    this.role.addToPolicy(new PolicyStatement({ sid: 'ReadEnginFrameLicense', actions: ['s3:GetObject'], resources: [licenseObjects] }));
    acknowledge(this.role, {
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::enginframe-license.<AWS::Region>/*]`]:
        "AWS's own EnginFrame licence bucket: EnginFrame names the object it reads, read-only",
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
    // With accounting, pcluster's PasswordSecretArnValidator describes each cluster's slurmdbd password secret (it
    // only warns when refused); the head node's own role, which ParallelCluster creates, reads the value.
    const accounting = props.clusterValues.accounting;
    if (accounting) {
      this.role.addToPolicy(new PolicyStatement({ sid: 'DescribeAccountingSecrets', actions: ['secretsmanager:DescribeSecret'], resources: [...accounting.passwordSecretArns] }));
    }
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
