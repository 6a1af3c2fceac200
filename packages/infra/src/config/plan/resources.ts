import type { DeploymentConfig } from '../resolved.js';
import type { StackId } from '../stacks.js';
import { accountingEnabled, type DatabaseInputs } from '../accounting.js';
import { monitoredCertificate } from '../alarms.js';
import { stackGraph } from './graph.js';

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

function vpc(config: Pick<DeploymentConfig, 'clusters' | 'portal'> & Pick<DatabaseInputs, 'accounting'>): Counts {
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
  // Open OnDemand nodes do not use the database: no portal rule on 3306.
  if (config.portal.kind !== 'enginframe') counts['AWS::EC2::SecurityGroupIngress']! -= 1;
  // Accounting: the head nodes' database-client group, its egress to Aurora and Aurora's ingress from it.
  if (accountingEnabled(config)) add(counts, { 'AWS::EC2::SecurityGroup': 1, 'AWS::EC2::SecurityGroupEgress': 1, 'AWS::EC2::SecurityGroupIngress': 1 });
  return counts;
}

/**
 * `directory.create: true`: the Managed AD, its Admin password secret, and the Route 53 Resolver forwarding of the
 * domain (outbound endpoint with its security group and two egress rules, rule, VPC association).
 */
function managedDirectory(config: Partial<Pick<DeploymentConfig, 'directory'>>): ResourceCounts {
  const d = config.directory;
  if (!d || d.type !== 'activeDirectory' || !d.create) return {};
  return {
    'AWS::DirectoryService::MicrosoftAD': 1,
    'AWS::SecretsManager::Secret': 1,
    'AWS::EC2::SecurityGroup': 1,
    'AWS::Route53Resolver::ResolverEndpoint': 1,
    'AWS::Route53Resolver::ResolverRule': 1,
    'AWS::Route53Resolver::ResolverRuleAssociation': 1,
  };
}

function database(config: Pick<DeploymentConfig, 'portal'> & Pick<DatabaseInputs, 'accounting'>): Counts {
  const counts = add(
    {
      'AWS::RDS::DBSubnetGroup': 1,
      // The master secret.
      'AWS::SecretsManager::Secret': 1,
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
    },
    provider(false),
  );
  // EnginFrame's user secret (with its policy refusing rotation, database-stack.ts) and database; each cluster's
  // slurmdbd password secret and accounting database.
  if (config.portal.kind === 'enginframe') {
    add(counts, { 'AWS::SecretsManager::Secret': 1, 'AWS::SecretsManager::ResourcePolicy': 1, 'Custom::EnginFrameDatabase': 1 });
  }
  if (accountingEnabled(config)) add(counts, { 'AWS::SecretsManager::Secret': 2, 'Custom::SlurmAccountingDatabase': 2 });
  return counts;
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
    // The schedule's dead-letter queue and the policy that lets EventBridge (and only TLS) use it.
    add(counts, { 'AWS::SQS::Queue': 1, 'AWS::SQS::QueuePolicy': 1 });
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

/** Alarms by what exists to watch (see MonitoringStack): always the portal's four and the failed-launch rule's. */
export function monitoringAlarmCount(config: Pick<DeploymentConfig, 'clusters' | 'loadBalancer'>): number {
  const certificate = monitoredCertificate(config);
  return 5 + (certificate.acm ? 1 : 0) + (certificate.selfSigned ? 2 : 0) + (config.clusters.provisioner === 'cloudformation' ? 2 : 0);
}

function monitoring(config: Pick<DeploymentConfig, 'clusters' | 'loadBalancer' | 'notifications'>, hasDatabase: boolean): Counts {
  const counts: Counts = { 'AWS::CloudWatch::Alarm': monitoringAlarmCount(config), 'AWS::Events::Rule': 1, 'AWS::CloudWatch::Dashboard': 1 };
  const emails = config.notifications.emails.length;
  if (emails > 0) {
    add(counts, { 'AWS::KMS::Key': 1, 'AWS::SNS::Topic': 1, 'AWS::SNS::TopicPolicy': 1, 'AWS::SNS::Subscription': emails });
    if (hasDatabase) add(counts, { 'AWS::RDS::EventSubscription': 1 });
  }
  return counts;
}

/**
 * What each stack creates, by type, modelled from the config without synthesizing (so `hpc-ha plan` stays as quick
 * as `validate`). A test synthesizes the examples and their variants and requires these counts exactly.
 */
export function modelledResources(
  config: Pick<DeploymentConfig, 'clusters' | 'loadBalancer' | 'portal' | 'notifications'> & Pick<DatabaseInputs, 'accounting'> & Partial<Pick<DeploymentConfig, 'directory'>>,
): Record<StackId, ResourceCounts> {
  const out = {} as Record<StackId, ResourceCounts>;
  const graph = stackGraph(config);
  for (const { id } of graph) {
    switch (id) {
      case 'VPC':
        out[id] = add(vpc(config), managedDirectory(config));
        break;
      case 'AuroraServerless':
        out[id] = database(config);
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
      case 'Monitoring':
        out[id] = monitoring(config, graph.some((n) => n.id === 'AuroraServerless'));
        break;
    }
  }
  return out;
}
