import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import { Effect, ManagedPolicy, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { clusterIamResources } from '@hpc-ha/pcluster-config';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeVendorPolicyWildcards } from '../nag.js';
import { policyLength } from '../rules/estimate.js';
import { MANAGED_POLICY_MAX_CHARS } from '../rules/iam/managed-policy-size.js';

/** A cluster the operator policy is for: its name and, when set, its Iam.ResourcePrefix. */
export interface OperatorCluster {
  readonly name: string;
  readonly resourcePrefix?: string;
}

/**
 * What the `pcluster` CLI needs to create, update and delete clusters in this region: the statements of
 * ParallelCluster's own published policies (ParallelClusterClusterPolicy1/2 and the IAM admin policy, see
 * ../../../shared/research/pcluster.md §4), scoped to the deployment's region and written with the partition token.
 * Only used with `provisioner: instance` (the portal nodes run pcluster) and by the cluster-teardown function.
 *
 * With `clusters`, every statement whose resources ParallelCluster names after the cluster is narrowed to those
 * clusters: the cluster stack (`<name>` and its nested `<name>-*`), its DynamoDB table (`parallelcluster-<name>`),
 * and exactly the roles and instance profiles ParallelCluster builds from the cluster's Iam.ResourcePrefix
 * (pcluster-config's `clusterIamResources`: Lambda roles under the prefix's path, node roles and instance profiles
 * under `<path><name>/`). Without a prefix ParallelCluster puts the Lambda roles under `/parallelcluster/`, so the
 * roles statement can only be that wide. The rest keep the published scope: ParallelCluster names them with a hash
 * (Lambda functions, its S3 bucket) or the service has no resource scope.
 */
export function parallelClusterOperatorStatements(
  scope: IConstruct,
  partition: string,
  clusters?: readonly (string | OperatorCluster)[],
): PolicyStatement[] {
  const stack = Stack.of(scope);
  const scoped = clusters?.map((c): OperatorCluster => (typeof c === 'string' ? { name: c } : c));
  const clusterNames = scoped?.map((c) => c.name);
  const named = (pattern: (name: string) => string, published: string): string[] => (clusterNames?.length ? clusterNames.map(pattern) : [published]);
  const region = stack.region;
  const inRegion = { StringEquals: { 'aws:RequestedRegion': [region] } };
  const arn = (service: string, resource: string, resourceName?: string, opts: { region?: string; account?: string } = {}) =>
    stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, ...opts });
  const colonArn = (service: string, resource: string, resourceName: string) =>
    stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const iam = (resource: string, name: string) => arn('iam', resource, name, { region: '' });
  const awsManaged = (name: string) => `arn:${Aws.PARTITION}:iam::aws:policy/${name}`;
  const s3 = (name: string) => `arn:${Aws.PARTITION}:s3:::${name}`;
  const principal = (service: string) => ServicePrincipal.servicePrincipalName(service);
  // China's EC2 principal for iam:PassedToService is still the partition-suffixed one; accept both forms.
  const ec2Principals = partition === 'aws-cn' ? [principal('ec2'), `ec2.${Aws.URL_SUFFIX}`] : [principal('ec2')];

  const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new PolicyStatement({ sid, effect: Effect.ALLOW, actions, resources, conditions });
  const clusterStacks = clusterNames?.length
    ? clusterNames.flatMap((n) => [arn('cloudformation', 'stack', `${n}/*`), arn('cloudformation', 'stack', `${n}-*/*`)])
    : [arn('cloudformation', 'stack', '*')];
  // ARN resource parts from clusterIamResources start with `role/` or `instance-profile/`: split off the type.
  const iamArn = (part: string) => iam(part.slice(0, part.indexOf('/')), part.slice(part.indexOf('/') + 1));
  const built = scoped?.length ? scoped.map((c) => clusterIamResources(c.name, c.resourcePrefix)) : undefined;
  const clusterRoles = built
    ? unique(built.flatMap((r) => (r.nodeRoles.startsWith(r.lambdaRoles.slice(0, -1)) ? [r.lambdaRoles] : [r.lambdaRoles, r.nodeRoles]))).map(iamArn)
    : [iam('role', 'parallelcluster/*')];
  const instanceProfiles = built ? unique(built.map((r) => r.instanceProfiles)).map(iamArn) : [iam('instance-profile', 'parallelcluster/*')];

  return [
    allow(
      'EC2ReadAndWrite',
      [
        'ec2:Describe*', 'ec2:AllocateAddress', 'ec2:AssociateAddress', 'ec2:AttachNetworkInterface',
        'ec2:AuthorizeSecurityGroupEgress', 'ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate',
        'ec2:CreateLaunchTemplateVersion', 'ec2:CreateNetworkInterface', 'ec2:CreatePlacementGroup', 'ec2:CreateSecurityGroup',
        'ec2:CreateSnapshot', 'ec2:CreateTags', 'ec2:DeleteTags', 'ec2:CreateVolume', 'ec2:DeleteLaunchTemplate',
        'ec2:DeleteNetworkInterface', 'ec2:DeletePlacementGroup', 'ec2:DeleteSecurityGroup', 'ec2:DeleteVolume',
        'ec2:DisassociateAddress', 'ec2:ModifyLaunchTemplate', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:ModifyVolume',
        'ec2:ModifyVolumeAttribute', 'ec2:ReleaseAddress', 'ec2:RevokeSecurityGroupEgress', 'ec2:RevokeSecurityGroupIngress',
        'ec2:RunInstances', 'ec2:TerminateInstances',
      ],
      ['*'],
      inRegion,
    ),
    allow(
      'DynamoDB',
      ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:GetItem',
        'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
      named((n) => arn('dynamodb', 'table', `parallelcluster-${n}`), arn('dynamodb', 'table', 'parallelcluster-*')),
    ),
    allow(
      'Route53HostedZones',
      ['route53:ChangeResourceRecordSets', 'route53:ChangeTagsForResource', 'route53:CreateHostedZone', 'route53:DeleteHostedZone',
        'route53:GetChange', 'route53:GetHostedZone', 'route53:ListResourceRecordSets', 'route53:ListQueryLoggingConfigs'],
      ['*'],
    ),
    allow('CloudFormationCreateAndUpdate', ['cloudformation:CreateStack', 'cloudformation:UpdateStack'], clusterStacks, {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': ['parallelcluster:cluster-name'] },
    }),
    allow(
      'CloudFormationReadAndDelete',
      ['cloudformation:DeleteStack', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResources', 'cloudformation:GetTemplate'],
      clusterStacks,
    ),
    // ListStacks takes no resource; pcluster list-clusters and describe use it.
    allow('CloudFormationList', ['cloudformation:ListStacks'], ['*'], inRegion),
    allow(
      'CloudWatch',
      ['cloudwatch:PutDashboard', 'cloudwatch:ListDashboards', 'cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard',
        'cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutCompositeAlarm'],
      ['*'],
      inRegion,
    ),
    allow(
      'IamRead',
      ['iam:GetRole', 'iam:GetRolePolicy', 'iam:GetPolicy', 'iam:SimulatePrincipalPolicy', 'iam:GetInstanceProfile'],
      [iam('role', '*'), iam('policy', '*'), awsManaged('*'), iam('instance-profile', '*')],
    ),
    allow(
      'IamInstanceProfile',
      ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      instanceProfiles,
    ),
    allow('IamPassRole', ['iam:PassRole'], clusterRoles, {
      StringEqualsIfExists: { 'iam:PassedToService': [principal('lambda'), ...ec2Principals, principal('spotfleet')] },
    }),
    allow('IamServiceLinkedRoles', ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole'], ['*'], {
      StringEquals: {
        'iam:AWSServiceName': [principal('fsx'), `s3.data-source.lustre.${principal('fsx')}`, principal('elasticloadbalancing'), principal('autoscaling')],
      },
    }),
    allow('IamRole', ['iam:CreateServiceLinkedRole', 'iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'], clusterRoles),
    allow('IamPolicy', ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], clusterRoles, {
      ArnLike: {
        'iam:PolicyARN': [
          iam('policy', 'parallelcluster*'),
          iam('policy', 'parallelcluster/*'),
          awsManaged('CloudWatchAgentServerPolicy'),
          awsManaged('AmazonSSMManagedInstanceCore'),
          awsManaged('AmazonS3ReadOnlyAccess'),
          awsManaged('service-role/AWSLambdaBasicExecutionRole'),
        ],
      },
    }),
    allow(
      'Lambda',
      ['lambda:CreateFunction', 'lambda:TagResource', 'lambda:DeleteFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunction',
        'lambda:InvokeFunction', 'lambda:AddPermission', 'lambda:RemovePermission', 'lambda:UpdateFunctionConfiguration',
        'lambda:ListTags', 'lambda:UntagResource'],
      [colonArn('lambda', 'function', 'parallelcluster-*'), colonArn('lambda', 'function', 'pcluster-*')],
    ),
    allow('S3ResourcesBucket', ['s3:*'], [s3('parallelcluster-*'), s3('aws-parallelcluster-*')], inRegion),
    allow('S3ParallelClusterReadOnly', ['s3:Get*', 's3:List*'], [s3(`${region}-aws-parallelcluster*`)], inRegion),
    allow('FSx', ['fsx:*'], [arn('fsx', '*')]),
    allow('EFS', ['elasticfilesystem:*'], [arn('elasticfilesystem', '*')]),
    allow(
      'CloudWatchLogs',
      ['logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DescribeLogGroups', 'logs:CreateLogGroup', 'logs:TagResource',
        'logs:UntagResource', 'logs:DescribeMetricFilters', 'logs:PutMetricFilter', 'logs:deleteMetricFilter', 'logs:ListTagsForResource'],
      ['*'],
      inRegion,
    ),
    allow('ResourceGroupRead', ['resource-groups:ListGroupResources', 'resource-groups:GetGroupConfiguration'], ['*']),
    allow(
      'ClusterAutoScaling',
      ['autoscaling:DeleteAutoScalingGroup', 'autoscaling:DeleteLifecycleHook', 'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeLifecycleHooks', 'autoscaling:DescribeScalingActivities', 'autoscaling:PutLifecycleHook',
        'autoscaling:UpdateAutoScalingGroup', 'autoscaling:CreateAutoScalingGroup', 'autoscaling:DeleteTags', 'autoscaling:CreateOrUpdateTags',
        'elasticloadbalancing:Describe*'],
      ['*'],
      inRegion,
    ),
  ];
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/**
 * What the 2.x `pcluster` CLI needs beyond the 3.x statements (ParallelCluster 2.x's documented
 * ParallelClusterUserPolicy): 2.x tags its stacks without `parallelcluster:cluster-name`, names them and their roles
 * `parallelcluster-<cluster>-…` (no IAM path), and creates SQS queues and SNS topics for its scaling daemons.
 */
export function legacyParallelClusterOperatorStatements(scope: IConstruct): PolicyStatement[] {
  const stack = Stack.of(scope);
  const inRegion = { StringEquals: { 'aws:RequestedRegion': [stack.region] } };
  const named = (service: string, resource: string, name: string, format = ArnFormat.SLASH_RESOURCE_NAME, opts: { region?: string } = {}) =>
    stack.formatArn({ service, resource, resourceName: name, arnFormat: format, ...opts });
  const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new PolicyStatement({ sid, effect: Effect.ALLOW, actions, resources, conditions });
  return [
    allow('LegacyCloudFormation', ['cloudformation:CreateStack', 'cloudformation:UpdateStack', 'cloudformation:DeleteStack'], [
      named('cloudformation', 'stack', 'parallelcluster-*'),
    ]),
    allow('LegacySqs', ['sqs:CreateQueue', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:TagQueue', 'sqs:GetQueueAttributes'], [
      stack.formatArn({ service: 'sqs', resource: 'parallelcluster-*', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    ]),
    allow('LegacySnsTopics', ['sns:CreateTopic', 'sns:Subscribe', 'sns:DeleteTopic', 'sns:GetTopicAttributes'], [
      stack.formatArn({ service: 'sns', resource: 'parallelcluster-*', arnFormat: ArnFormat.NO_RESOURCE_NAME }),
    ]),
    allow('LegacyListAndLookup', ['sns:ListTopics', 'ssm:GetParametersByPath', 'autoscaling:DescribeAutoScalingInstances'], ['*'], inRegion),
    allow(
      'LegacyAutoScaling',
      ['autoscaling:PutNotificationConfiguration', 'autoscaling:PutScalingPolicy', 'autoscaling:DeletePolicy',
        'autoscaling:DisableMetricsCollection', 'autoscaling:EnableMetricsCollection'],
      ['*'],
      inRegion,
    ),
    allow(
      'LegacyIamRoles',
      ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:TagRole', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy',
        'iam:GetRolePolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      [named('iam', 'role', 'parallelcluster-*', ArnFormat.SLASH_RESOURCE_NAME, { region: '' })],
    ),
    allow(
      'LegacyIamInstanceProfiles',
      ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      [named('iam', 'instance-profile', 'parallelcluster-*', ArnFormat.SLASH_RESOURCE_NAME, { region: '' })],
    ),
  ];
}

export interface ParallelClusterOperatorPoliciesProps {
  readonly statements: readonly PolicyStatement[];
  /** What the policies are for, in each policy's description. */
  readonly description: string;
  /** Why the published wildcards are acceptable (the cdk-nag IAM5 acknowledgement of exactly these statements). */
  readonly wildcardReason: string;
}

/**
 * ParallelCluster's operator statements as as many customer managed policies as IAM's 6,144-character limit needs
 * (whitespace excluded, measured like the HpcHa-IAMManagedPolicySize rule), statements kept in order and whole.
 */
export class ParallelClusterOperatorPolicies extends Construct {
  readonly policies: readonly ManagedPolicy[];

  constructor(scope: Construct, id: string, props: ParallelClusterOperatorPoliciesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const size = (statements: readonly PolicyStatement[]) =>
      policyLength(stack.resolve({ Version: '2012-10-17', Statement: statements.map((st) => st.toStatementJson()) }));
    const groups: PolicyStatement[][] = [];
    for (const statement of props.statements) {
      const last = groups.at(-1);
      if (last && size([...last, statement]) <= MANAGED_POLICY_MAX_CHARS) last.push(statement);
      else groups.push([statement]);
    }
    this.policies = groups.map((statements, i) => {
      const policy = new ManagedPolicy(this, `Part${i + 1}`, { description: `${props.description} (${i + 1}/${groups.length})`, statements });
      acknowledgeVendorPolicyWildcards(policy, statements, props.wildcardReason);
      return policy;
    });
  }
}
