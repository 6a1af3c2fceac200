import type { DeploymentConfig } from '../resolved.js';
import type { StackId } from '../stacks.js';
import { stackGraph } from './graph.js';
import { createsManagedDirectory } from '../database.js';

/** Resource counts of one stack, by CloudFormation type. */
export type ResourceCounts = Readonly<Record<string, number>>;

type Counts = Record<string, number>;

function add(into: Counts, more: ResourceCounts): Counts {
  for (const [type, n] of Object.entries(more)) into[type] = (into[type] ?? 0) + n;
  return into;
}

/** A custom resource served by the CDK Provider framework: its handler, the framework's functions, their roles. */
function provider(isComplete: boolean): ResourceCounts {
  return isComplete
    ? { 'AWS::IAM::Role': 5, 'AWS::IAM::Policy': 5, 'AWS::Lambda::Function': 5, 'AWS::StepFunctions::StateMachine': 1, 'AWS::Logs::LogGroup': 2 }
    : { 'AWS::IAM::Role': 2, 'AWS::IAM::Policy': 2, 'AWS::Lambda::Function': 2, 'AWS::Logs::LogGroup': 1 };
}

function vpc(config: Pick<DeploymentConfig, 'clusters' | 'directory'>): Counts {
  const counts = add(
    {
      'AWS::EC2::VPC': 1,
      'AWS::EC2::Subnet': 4,
      'AWS::EC2::RouteTable': 4,
      'AWS::EC2::SubnetRouteTableAssociation': 4,
      'AWS::EC2::Route': 4,
      'AWS::EC2::EIP': 2,
      'AWS::EC2::NatGateway': 2,
      'AWS::EC2::InternetGateway': 1,
      'AWS::EC2::VPCGatewayAttachment': 1,
      'AWS::EC2::VPCEndpoint': 1,
      // The flow log's delivery role, and the log groups of flow logs and of the munge-key provider.
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::EC2::FlowLog': 1,
      'AWS::Logs::LogGroup': 2,
      'AWS::EC2::SecurityGroup': 7,
      // The ALB's egress and the EFS group's NFS back to portal and cluster nodes (ParallelCluster checks both ways).
      'AWS::EC2::SecurityGroupEgress': 3,
      'AWS::EC2::SecurityGroupIngress': 17,
      'AWS::SecretsManager::Secret': 1,
      'Custom::MungeKey': 1,
      // The cluster nodes' policy for reading their custom-action scripts.
      'AWS::IAM::ManagedPolicy': 1,
      // 3.x: where each head node's custom-action runner finds the current head-node script.
      ...(config.clusters.parallelclusterVersion.startsWith('2.') ? {} : { 'AWS::SSM::Parameter': 2 }),
    },
    provider(false),
  );
  // directory.create: true: the AWS Managed Microsoft AD and the secret its Admin password is generated into.
  if (createsManagedDirectory(config)) add(counts, { 'AWS::DirectoryService::MicrosoftAD': 1, 'AWS::SecretsManager::Secret': 1 });
  return counts;
}

function database(): Counts {
  return add(
    {
      'AWS::RDS::DBSubnetGroup': 1,
      'AWS::SecretsManager::Secret': 2,
      'AWS::SecretsManager::SecretTargetAttachment': 1,
      'AWS::RDS::DBCluster': 1,
      // Writer and reader, in the two AZs.
      'AWS::RDS::DBInstance': 2,
      // Retention of the exported error and slow-query logs, set by one function.
      'Custom::LogRetention': 2,
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::Lambda::Function': 1,
      'AWS::Logs::LogGroup': 1,
      'Custom::EnginFrameDatabase': 1,
    },
    provider(false),
  );
}

function loadBalancer(config: Pick<DeploymentConfig, 'loadBalancer'>): Counts {
  const counts: Counts = {
    'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
    'AWS::ElasticLoadBalancingV2::TargetGroup': 1,
    // HTTPS, plus the HTTP redirect when internet-facing.
    'AWS::ElasticLoadBalancingV2::Listener': config.loadBalancer.internetFacing ? 2 : 1,
    'AWS::S3::Bucket': 1,
    'AWS::S3::BucketPolicy': 1,
  };
  if (config.loadBalancer.certificateArn === undefined) {
    add(add(counts, { 'Custom::SelfSignedCertificate': 1 }), provider(true));
    // Its daily renewal: a function with its own role, policy and log group, and the schedule that may invoke it.
    add(counts, { 'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::Logs::LogGroup': 1, 'AWS::Events::Rule': 1, 'AWS::Lambda::Permission': 1 });
  }
  return counts;
}

/** Managed policies ParallelCluster's operator statements fill (3.x, and 2.x with its own): see parallelcluster-iam.ts. */
const OPERATOR_POLICIES = 2;

function portal(config: Pick<DeploymentConfig, 'clusters'>): Counts {
  const counts: Counts = {
    'AWS::Logs::LogGroup': 1,
    'AWS::IAM::Role': 1,
    'AWS::IAM::Policy': 1,
    'AWS::IAM::InstanceProfile': 2,
    'AWS::EC2::LaunchTemplate': 2,
    'AWS::AutoScaling::AutoScalingGroup': 2,
  };
  // ParallelCluster's operator statements, split into as many managed policies as IAM's 6,144-character limit needs.
  if (config.clusters.provisioner === 'instance') add(add(counts, { 'AWS::IAM::ManagedPolicy': OPERATOR_POLICIES, 'Custom::ClusterTeardown': 1 }), provider(true));
  return counts;
}

/**
 * What each stack creates, by type, modelled from the config without synthesizing (so `hpc-ha plan` stays as quick
 * as `validate`). A test synthesizes the examples and their variants and requires these counts exactly.
 */
export function modelledResources(config: Pick<DeploymentConfig, 'clusters' | 'loadBalancer' | 'portal' | 'directory'>): Record<StackId, ResourceCounts> {
  const out = {} as Record<StackId, ResourceCounts>;
  for (const { id } of stackGraph(config)) {
    switch (id) {
      case 'VPC':
        out[id] = vpc(config);
        break;
      case 'AuroraServerless':
        out[id] = database();
        break;
      case 'EFS':
        out[id] = { 'AWS::EFS::FileSystem': 1, 'AWS::EFS::MountTarget': 2 };
        break;
      case 'FSX':
        out[id] = { 'AWS::FSx::FileSystem': 2 };
        break;
      case 'ALB':
        out[id] = loadBalancer(config);
        break;
      case 'Clusters':
        // ParallelCluster's provider template (a nested stack) and the two clusters it serves.
        out[id] = { 'AWS::CloudFormation::Stack': 1, 'Custom::PclusterCluster': 2 };
        break;
      case 'EnginFrame':
        out[id] = portal(config);
        break;
      case 'OpenOnDemand':
        // The same two groups of one, and the OIDC passphrase both nodes share.
        out[id] = add(portal(config), { 'AWS::SecretsManager::Secret': 1 });
        break;
    }
  }
  return out;
}
