import { App, Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LAMBDA_RUNTIME_CONTEXT } from './constructs/bundled-provider.js';
import { DISPOSABLE_CONTEXT, HpcHaDeployTimeChecks } from './rules/index.js';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { ClusterValues } from './artifacts/index.js';
import { createsDatabase, stackName, type DeploymentConfig, type StackId } from './config/index.js';
import { AlbStack } from './stacks/alb-stack.js';
import { ClustersStack, clusterValues } from './stacks/clusters-stack.js';
import { DatabaseStack } from './stacks/database-stack.js';
import { EfsStack } from './stacks/efs-stack.js';
import { EnginFrameStack } from './stacks/enginframe-stack.js';
import { FsxStack } from './stacks/fsx-stack.js';
import { MonitoringStack } from './stacks/monitoring-stack.js';
import { OpenOnDemandStack } from './stacks/ondemand-stack.js';
import type { HpcStackProps } from './stacks/common.js';
import { VpcStack } from './stacks/vpc-stack.js';

export { STACK_IDS, type StackId } from './config/index.js';

/** Context every synth of this app uses, whether from `cdk synth`, the CLI or a test. */
export const APP_CONTEXT: Readonly<Record<string, unknown>> = {
  // CloudFormation findings of aws-cdk-lib's bundled validator fail the synth instead of printing a warning.
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  // Cross-stack references stay CloudFormation exports that protect their producers (today's behaviour, made explicit).
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export interface CreateAppProps {
  readonly outdir?: string;
  /** Merged over {@link APP_CONTEXT}. */
  readonly context?: Record<string, unknown>;
}

export interface HpcStacks {
  readonly vpc: VpcStack;
  /** Aurora: EnginFrame's database and the clusters' accounting; absent when `createsDatabase(config)` is false. */
  readonly database?: DatabaseStack;
  readonly efs: EfsStack;
  readonly fsx: FsxStack;
  readonly alb: AlbStack;
  readonly clusters?: ClustersStack;
  /** One of the two portals, by `portal.kind`. */
  readonly enginframe?: EnginFrameStack;
  readonly ondemand?: OpenOnDemandStack;
  /** Alarms, notifications and the dashboard of everything above. */
  readonly monitoring: MonitoringStack;
}

/** Every stack of one deployment, in an existing app. */
export function addDeploymentStacks(app: App, config: DeploymentConfig): HpcStacks {
  // The handlers' runtime comes from the region table (BundledProvider reads it); an explicit context value wins.
  if (app.node.tryGetContext(LAMBDA_RUNTIME_CONTEXT) === undefined) app.node.setContext(LAMBDA_RUNTIME_CONTEXT, config.regionProfile.lambdaNodeRuntime);
  // HpcHa-StatefulRemovalPolicy allows Delete on resources that hold data only in a disposable deployment.
  app.node.setContext(DISPOSABLE_CONTEXT, config.disposable === true);
  const env: Environment = { region: config.region, ...(config.account !== undefined ? { account: config.account } : {}) };
  const base = (id: StackId) => ({ config, env, stackName: stackName(config.name, id), description: `hpc-ha ${config.name}: ${id}` });

  const vpc = new VpcStack(app, 'VPC', base('VPC'));
  const sgs = vpc.securityGroups;
  const network = { vpc: vpc.vpc };
  const efs = new EfsStack(app, 'EFS', { ...base('EFS'), ...network, securityGroup: sgs.efs });
  const fsx = new FsxStack(app, 'FSX', { ...base('FSX'), ...network, securityGroup: sgs.fsx, subnets: vpc.privateSubnets });
  const alb = new AlbStack(app, 'ALB', {
    ...base('ALB'),
    ...network,
    securityGroup: sgs.loadBalancer,
    subnets: config.loadBalancer.internetFacing ? vpc.publicSubnets : vpc.privateSubnets,
  });
  const infra = {
    ...network,
    privateSubnets: vpc.privateSubnets,
    clusterSecurityGroup: sgs.cluster,
    efs: efs.fileSystem,
    fsx: fsx.fileSystems,
    ...(vpc.managedDirectory ? { directoryAddresses: vpc.managedDirectory.dnsAddresses } : {}),
  };
  // EnginFrame's state and, with accounting, both clusters' Slurm records (createsDatabase is the one rule).
  const database = createsDatabase(config)
    ? new DatabaseStack(app, 'AuroraServerless', {
        ...base('AuroraServerless'),
        ...network,
        securityGroup: sgs.database,
        bootstrapSecurityGroup: sgs.databaseBootstrap,
      })
    : undefined;
  const values = withAccounting(clusterValues(infra, vpc.clusterScripts, vpc.mungeKey.secretArn), database, sgs.headNodeDatabaseClient);
  const clusters = config.clusters.provisioner === 'cloudformation' ? new ClustersStack(app, 'Clusters', { ...base('Clusters'), values }) : undefined;
  if (config.portal.kind === 'openondemand') {
    // The loader allows Open OnDemand only with CloudFormation clusters; its portal uses no database.
    if (!clusters) throw new Error('internal: Open OnDemand needs clusters.provisioner cloudformation');
    const ondemand = new OpenOnDemandStack(app, 'OpenOnDemand', {
      ...base('OpenOnDemand'),
      ...infra,
      portalSecurityGroup: sgs.portal,
      targetGroup: alb.targetGroup,
      loadBalancerDnsName: alb.loadBalancer.loadBalancerDnsName,
      clusterValues: values,
      mungeKeySecret: vpc.mungeKey.secret,
    });
    // Every storage mount target must exist before a node mounts. No dependency on the Clusters stack: both deploy in
    // the same wave; a node serves without its cluster and its re-sync timer adds each cluster as it publishes.
    ondemand.addStackDependency(efs);
    ondemand.addStackDependency(fsx);
    const monitoring = addMonitoring(app, base('Monitoring'), { alb, efs, fsx, clusters, database });
    tagDeployment(app, config);
    return { vpc, ...(database ? { database } : {}), efs, fsx, alb, clusters, ondemand, monitoring };
  }
  if (!database?.userSecret) throw new Error('internal: an EnginFrame portal without its database');
  const enginframe = new EnginFrameStack(app, 'EnginFrame', {
    ...base('EnginFrame'),
    ...infra,
    clusterValues: values,
    mungeKeySecret: vpc.mungeKey.secret,
    clusterNodePolicy: vpc.clusterScripts.nodePolicy,
    portalSecurityGroup: sgs.portal,
    targetGroup: alb.targetGroup,
    loadBalancerDnsName: alb.loadBalancer.loadBalancerDnsName,
    databaseEndpoint: database.endpoint,
    databaseUserSecret: database.userSecret,
  });
  // The portal needs the database bootstrapped (not only its endpoint) and every storage mount target in place.
  // It does not wait for the Clusters stack: both deploy in the same wave, and each node waits (bounded) for its
  // own AZ's head node to publish on EFS, then its re-sync timer picks up the other cluster.
  enginframe.addStackDependency(database);
  enginframe.addStackDependency(efs);
  enginframe.addStackDependency(fsx);

  const monitoring = addMonitoring(app, base('Monitoring'), { alb, efs, fsx, clusters, database });
  tagDeployment(app, config);
  return { vpc, database, efs, fsx, alb, clusters, enginframe, monitoring };
}

/** Watches what the other stacks created; it deploys after them, beside the portal (see config/plan/graph.ts). */
function addMonitoring(
  app: App,
  props: HpcStackProps,
  stacks: { alb: AlbStack; efs: EfsStack; fsx: FsxStack; clusters?: ClustersStack; database?: DatabaseStack },
): MonitoringStack {
  return new MonitoringStack(app, 'Monitoring', {
    ...props,
    loadBalancer: stacks.alb.loadBalancer,
    targetGroup: stacks.alb.targetGroup,
    certificateArn: stacks.alb.certificateArn,
    certificateRenewal: stacks.alb.certificateRenewal,
    database: stacks.database?.cluster,
    headNodeInstanceIds: stacks.clusters?.headNodeInstanceIds,
    efs: stacks.efs.fileSystem,
    fsx: stacks.fsx.fileSystems,
  });
}

/** The clusters' SlurmSettings.Database values, from the database stack, when it keeps their accounting. */
function withAccounting(values: ClusterValues, database: DatabaseStack | undefined, headNodeGroup: ISecurityGroup | undefined): ClusterValues {
  const accounting = database?.accounting;
  if (!accounting) return values;
  if (!headNodeGroup) throw new Error('internal: accounting without the head nodes\' database-client group');
  return {
    ...values,
    accounting: {
      databaseHost: database.endpoint,
      passwordSecretArns: [accounting.passwordSecrets[0].secretArn, accounting.passwordSecrets[1].secretArn],
      headNodeSecurityGroupId: headNodeGroup.securityGroupId,
    },
  };
}

function tagDeployment(app: App, config: DeploymentConfig): void {
  // Listener and dashboard tags are not in the China regions' resource schema (cfn-lint E3002): both stay untagged.
  const tagOptions = { excludeResourceTypes: ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::CloudWatch::Dashboard'] };
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value, tagOptions);
  Tags.of(app).add('hpc-ha:deployment', config.name, tagOptions);
}

/**
 * The whole CDK app for one deployment config, with cdk-nag's AwsSolutions checks and the project's deploy-time
 * rules (src/rules) registered: synthesis fails on any finding that is not acknowledged (with a reason) in the
 * stack code.
 */
export function createApp(config: DeploymentConfig, props: CreateAppProps = {}): App {
  const app = new App({ outdir: props.outdir, context: { ...APP_CONTEXT, ...props.context } });
  addDeploymentStacks(app, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HpcHaDeployTimeChecks(app));
  return app;
}
