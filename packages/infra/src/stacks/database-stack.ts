import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, type IResource } from 'aws-cdk-lib';
import { InstanceType, SubnetType, type ISecurityGroup, type IVpc } from 'aws-cdk-lib/aws-ec2';
import {
  AuroraMysqlEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  type IClusterInstance,
} from 'aws-cdk-lib/aws-rds';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DB_BOOTSTRAP_ATTRIBUTES, DB_BOOTSTRAP_ENVIRONMENT, DB_BOOTSTRAP_PROPERTIES } from '@hpc-ha/lambdas';
import type { Construct } from 'constructs';
import { ENGINFRAME_DATABASE, ENGINFRAME_DB_USER } from '../artifacts/index.js';
import { accountingEnabled } from '../config/index.js';
import { BundledProvider } from '../constructs/bundled-provider.js';
import { SlurmAccountingDatabases } from '../constructs/slurm-accounting.js';
import { acknowledge } from '../nag.js';
import { logRetention, statefulRemovalPolicy, type HpcStackProps } from './common.js';

/** Aurora MySQL 3 `x.y.z` as the engine version string RDS takes (`8.0.mysql_aurora.x.y.z`). */
export function auroraMysqlVersion(version: string): AuroraMysqlEngineVersion {
  return AuroraMysqlEngineVersion.of(`8.0.mysql_aurora.${version}`, '8.0');
}

export interface DatabaseStackProps extends HpcStackProps {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  /** Group of the db-bootstrap Lambda (admitted on 3306 by `securityGroup`). */
  readonly bootstrapSecurityGroup: ISecurityGroup;
  /** Default: `database.engineVersion`, else the newest Aurora MySQL 3 version the region profile lists. */
  readonly engineVersion?: AuroraMysqlEngineVersion;
}


/**
 * Aurora MySQL 3 for EnginFrame and Slurm accounting: writer in AZ 1, reader (failover target) in AZ 2, encrypted,
 * backed up, and the db-bootstrap custom resources that create `EnginFrameDB` (EnginFrame portals) and each
 * cluster's accounting database (`accounting.enabled`), each with its own least-privilege user.
 */
export class DatabaseStack extends Stack {
  readonly cluster: DatabaseCluster;
  /** EnginFrame: `{"username": "efdbuser", "password": ...}`, what the portal nodes read; absent for Open OnDemand. */
  readonly userSecret?: Secret;
  /** EnginFrame's database; absent for Open OnDemand. */
  readonly databaseName?: string;
  /** `accounting.enabled`: each cluster's accounting database, user and password secret. */
  readonly accounting?: SlurmAccountingDatabases;
  readonly endpoint: string;
  readonly port: string;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const [az1, az2] = config.network.availabilityZones;
    const serverless = config.database.mode === 'serverless-v2';
    const instance = (name: string, availabilityZone: string, reader: boolean): IClusterInstance =>
      serverless
        ? ClusterInstance.serverlessV2(name, { availabilityZone, scaleWithWriter: reader ? true : undefined, autoMinorVersionUpgrade: true })
        : ClusterInstance.provisioned(name, {
            availabilityZone,
            // Config validation requires instanceType for provisioned mode; db.r6g.large is only a safety net.
            instanceType: new InstanceType((config.database.instanceType ?? 'db.r6g.large').replace(/^db\./, '')),
            promotionTier: reader ? 1 : undefined,
            autoMinorVersionUpgrade: true,
          });

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraMysql({ version: props.engineVersion ?? auroraMysqlVersion(config.database.engineVersion ?? config.regionProfile.auroraMysqlVersions[0]!) }),
      credentials: Credentials.fromGeneratedSecret('admin'),
      writer: instance('Writer', az1, false),
      readers: [instance('Reader', az2, true)],
      serverlessV2MinCapacity: serverless ? config.database.minCapacity : undefined,
      serverlessV2MaxCapacity: serverless ? config.database.maxCapacity : undefined,
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.securityGroup],
      storageEncrypted: true,
      backup: { retention: Duration.days(config.database.backupRetentionDays) },
      deletionProtection: !config.disposable,
      removalPolicy: statefulRemovalPolicy(config, RemovalPolicy.SNAPSHOT),
      cloudwatchLogsExports: ['error', 'slowquery'],
      cloudwatchLogsRetention: logRetention(config),
      copyTagsToSnapshot: true,
    });
    const masterSecret = this.cluster.secret;
    if (!masterSecret) throw new Error('internal: Aurora cluster without a generated master secret');
    // aws-cdk-lib leaves the generated master secret on CloudFormation's default (Delete): it holds the only admin password.
    // (`cluster.secret` is its attachment to the cluster; the secret itself is the cluster's `Secret` child).
    (this.cluster.node.findChild('Secret') as IResource).applyRemovalPolicy(statefulRemovalPolicy(config));

    const bootstrap = new BundledProvider(this, 'DbBootstrap', {
      handler: 'db-bootstrap',
      vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.bootstrapSecurityGroup],
      environment: DB_BOOTSTRAP_ENVIRONMENT,
      timeout: Duration.minutes(12),
      logRetention: logRetention(config),
    });
    // The master secret is readable by this custom resource and nothing else.
    masterSecret.grantRead(bootstrap.role);
    this.endpoint = this.cluster.clusterEndpoint.hostname;
    this.port = this.cluster.clusterEndpoint.port.toString();

    if (config.portal.kind === 'enginframe') {
      const userSecret = new Secret(this, 'EnginFrameUserSecret', {
        description: 'EnginFrame database user (EnginFrameDB only)',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: ENGINFRAME_DB_USER }),
          generateStringKey: 'password',
          passwordLength: 32,
          // The password travels through a Java keystore tool and shell variables on the node: keep it to [A-Za-z0-9].
          excludePunctuation: true,
        },
        removalPolicy: statefulRemovalPolicy(config),
      });
      userSecret.grantRead(bootstrap.role);
      const database = new CustomResource(this, 'EnginFrameDatabase', {
        serviceToken: bootstrap.serviceToken,
        resourceType: 'Custom::EnginFrameDatabase',
        properties: {
          [DB_BOOTSTRAP_PROPERTIES.masterSecretArn]: masterSecret.secretArn,
          [DB_BOOTSTRAP_PROPERTIES.appUserSecretArn]: userSecret.secretArn,
          [DB_BOOTSTRAP_PROPERTIES.host]: this.cluster.clusterEndpoint.hostname,
          [DB_BOOTSTRAP_PROPERTIES.port]: this.cluster.clusterEndpoint.port,
          [DB_BOOTSTRAP_PROPERTIES.databaseName]: ENGINFRAME_DATABASE,
          [DB_BOOTSTRAP_PROPERTIES.disposable]: config.disposable,
        },
      });
      database.node.addDependency(this.cluster);
      this.userSecret = userSecret;
      this.databaseName = database.getAttString(DB_BOOTSTRAP_ATTRIBUTES.databaseName);
      refuseRotation(userSecret);
      acknowledge(userSecret, {
        'AwsSolutions-SMG4': 'EnginFrame keeps the DB password it was installed with; rotation is refused by the secret\'s resource policy (README: database password)',
      });
      new CfnOutput(this, 'DatabaseName', { value: this.databaseName, description: 'EnginFrame database' });
    }
    if (accountingEnabled(config)) {
      this.accounting = new SlurmAccountingDatabases(this, 'SlurmAccounting', {
        config,
        serviceToken: bootstrap.serviceToken,
        providerRole: bootstrap.role,
        masterSecret,
        cluster: this.cluster,
      });
    }

    acknowledge(this.cluster, {
      'AwsSolutions-RDS6': 'EnginFrame (JDBC) and slurmdbd connect with a database password; IAM database authentication is supported by neither',
      'AwsSolutions-RDS11': 'EnginFrame, slurmdbd and ParallelCluster use the MySQL default port; only SG-to-SG access is allowed',
      'AwsSolutions-RDS14':
        config.partition === 'aws-cn'
          ? 'Backtrack is not available for Aurora MySQL in the China regions; point-in-time restore from the automated backups is used'
          : serverless
            ? 'Backtrack is not supported on Aurora Serverless v2 instances; point-in-time restore from the automated backups is used'
            : 'Point-in-time restore from the automated backups covers recovery; backtrack can only be chosen when the cluster is created and its change records are billed separately',
      'AwsSolutions-SMG4': 'The master secret is used once by the db-bootstrap custom resource; rotating it needs no coordination with nodes and is left to the operator',
    });
    // aws-cdk-lib's log-retention function (a singleton in this stack) sets the retention of the exported logs.
    for (const child of this.node.children.filter((c) => c.node.id.startsWith('LogRetention'))) {
      acknowledge(child, {
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
          "aws-cdk-lib's log-retention function logs with the AWS basic execution policy",
        'AwsSolutions-IAM5[Resource::*]': "aws-cdk-lib's log-retention function sets retention on log groups RDS creates at run time",
      });
    }
    for (const instance of ['Writer', 'Reader']) {
      const child = this.cluster.node.tryFindChild(instance);
      if (child) acknowledge(child, { 'CloudFormation-Validate::W3010': 'Writer and reader are pinned to different AZs on purpose (HA invariant)' });
    }
    if (config.disposable) {
      acknowledge(this.cluster, { 'AwsSolutions-RDS10': 'disposable: true marks a test deployment whose database is deleted with its stack' });
    }
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.endpoint, description: 'Aurora cluster (writer) endpoint' });
  }
}

/**
 * EnginFrame reads its database password once, at install, into its own configuration, and CloudFormation never
 * tells the db-bootstrap resource that a secret's value changed: a rotated secret would leave MySQL, EnginFrame and
 * the secret disagreeing and the portal locked out. So rotation is refused where it starts, with an explicit deny
 * that names itself in the AccessDenied message, instead of failing later on the portal.
 */
function refuseRotation(secret: Secret): void {
  secret.addToResourcePolicy(
    new PolicyStatement({
      sid: 'HpcHaRotationRefused',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['secretsmanager:RotateSecret'],
      resources: ['*'],
    }),
  );
}
