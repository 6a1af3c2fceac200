import { CfnOutput, CfnStack, CustomResource, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, ISubnet, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { IFileSystem } from 'aws-cdk-lib/aws-efs';
import type { LustreFileSystem } from 'aws-cdk-lib/aws-fsx';
import type { Construct } from 'constructs';
import { clusterArtifacts, type ClusterValues } from '../artifacts/index.js';
import type { ClusterScripts } from '../constructs/cluster-scripts.js';
import type { DeploymentConfig } from '../config/index.js';
import type { HpcStackProps } from './common.js';

/** What both ways of creating the clusters need from the network and storage stacks. */
export interface ClusterInfrastructure {
  readonly vpc: IVpc;
  readonly privateSubnets: readonly [ISubnet, ISubnet];
  readonly clusterSecurityGroup: ISecurityGroup;
  readonly efs: IFileSystem;
  readonly fsx: readonly [LustreFileSystem, LustreFileSystem];
  /** Domain controllers of the directory the VPC stack creates (`directory.create: true`). */
  readonly directoryAddresses?: readonly [string, string];
}

export interface ClustersStackProps extends HpcStackProps {
  /** Every deploy-time value of the two cluster configs (see {@link clusterValues}). */
  readonly values: ClusterValues;
}

/** ParallelCluster's CloudFormation custom-resource provider template for a version, partition-aware (pcluster.md §4). */
export function pclusterProviderTemplateUrl(config: Pick<DeploymentConfig, 'region' | 'urlSuffix' | 'clusters'>): string {
  const { region, urlSuffix } = config;
  return `https://${region}-aws-parallelcluster.s3.${region}.${urlSuffix}/parallelcluster/${config.clusters.parallelclusterVersion}/templates/custom_resource/cluster.yaml`;
}

/** The cluster-side values of the generated configs, from constructs of this app. */
export function clusterValues(infra: ClusterInfrastructure, scripts: ClusterScripts, mungeKeySecretArn: string): ClusterValues {
  return {
    vpcId: infra.vpc.vpcId,
    privateSubnetIds: [infra.privateSubnets[0].subnetId, infra.privateSubnets[1].subnetId],
    clusterSecurityGroupId: infra.clusterSecurityGroup.securityGroupId,
    efsFileSystemId: infra.efs.fileSystemId,
    fsx: [0, 1].map((i) => ({
      fileSystemId: infra.fsx[i]!.fileSystemId,
      dnsName: infra.fsx[i]!.dnsName,
      mountName: infra.fsx[i]!.mountName,
    })) as unknown as ClusterValues['fsx'],
    mungeKeySecretArn,
    clusterNodePolicyArn: scripts.nodePolicy?.managedPolicyArn,
    headNodeScriptUris: scripts.headNodeScriptUris,
    computeNodeScriptUris: scripts.computeNodeScriptUris,
    ...(infra.directoryAddresses ? { directoryAddresses: infra.directoryAddresses } : {}),
    customActionRunnerUri: scripts.customActionRunnerUri,
    headNodeScriptParameters: scripts.headNodeScriptParameterNames,
  };
}

/**
 * `provisioner: cloudformation`: both clusters as `Custom::PclusterCluster` resources served by ParallelCluster's
 * provider template (pinned to the config's version). The munge key and the custom-action scripts come from the
 * VPC stack, so nothing here is needed by the portal stack, which deploys at the same time.
 */
export class ClustersStack extends Stack {
  readonly values: ClusterValues;
  readonly clusterNames: readonly [string, string];
  readonly headNodeAddresses: readonly [string, string];
  /** From ParallelCluster's describe-cluster (`headNode.instanceId`): what the Monitoring stack's alarms watch. */
  readonly headNodeInstanceIds: readonly [string, string];

  constructor(scope: Construct, id: string, props: ClustersStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.values = props.values;

    const provider = new CfnStack(this, 'PclusterProvider', {
      templateUrl: pclusterProviderTemplateUrl(config),
      // The provider's function validates the config, which reads the custom-action scripts, and attaches the node
      // policy to the roles it creates: it needs that policy too.
      parameters: this.values.clusterNodePolicyArn ? { AdditionalIamPolicies: this.values.clusterNodePolicyArn } : undefined,
    });
    const serviceToken = provider.getAtt('Outputs.ServiceToken').toString();

    const clusters = clusterArtifacts(config, this.values).map((c) => {
      const resource = new CustomResource(this, c.plan.id === 'cluster1' ? 'Cluster1' : 'Cluster2', {
        serviceToken,
        resourceType: 'Custom::PclusterCluster',
        properties: { ClusterName: c.plan.name, ClusterConfiguration: c.config },
      });
      new CfnOutput(this, `${c.plan.id === 'cluster1' ? 'Cluster1' : 'Cluster2'}Name`, { value: c.plan.name, description: `ParallelCluster cluster in ${c.plan.availabilityZone}` });
      return { name: c.plan.name, address: resource.getAttString('headNode.privateIpAddress'), instanceId: resource.getAttString('headNode.instanceId') };
    });
    this.clusterNames = [clusters[0]!.name, clusters[1]!.name];
    this.headNodeAddresses = [clusters[0]!.address, clusters[1]!.address];
    this.headNodeInstanceIds = [clusters[0]!.instanceId, clusters[1]!.instanceId];
  }
}
