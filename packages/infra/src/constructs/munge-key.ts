import { CustomResource, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeFunctionVersionWildcards } from '../nag.js';

export interface MungeKeySecretProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly runtime?: Runtime;
}

/**
 * The one munge key of the deployment (both clusters' `MungeKeySecretArn` and the portal nodes): a Secrets Manager
 * secret whose value is the base64 of 1024 random bytes. Secrets Manager's generator only makes printable passwords,
 * so a small function fills the secret at deploy time; the key never appears in the template or in any response.
 * It is set once, on Create: a new key would cut running clusters off from their portal.
 */
export class MungeKeySecret extends Construct {
  readonly secret: Secret;
  /** The secret's ARN, available only once the key has been written (depend on this, not on `secret`). */
  readonly secretArn: string;

  constructor(scope: Construct, id: string, props: MungeKeySecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'hpc-ha munge key (base64 of 1024 random bytes), shared by both clusters and the portal nodes',
      removalPolicy: props.removalPolicy,
    });
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda'), description: 'hpc-ha munge key writer' });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['secretsmanager:PutSecretValue'], resources: [this.secret.secretArn] }));

    const writer = new LambdaFunction(this, 'Writer', {
      runtime: props.runtime ?? Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline(WRITER_SOURCE),
      role,
      timeout: Duration.minutes(1),
      logGroup,
    });
    writer.node.addDependency(role);
    const provider = new Provider(this, 'Provider', {
      onEventHandler: writer,
      logGroup: new LogGroup(this, 'FrameworkLogs', { retention: props.logRetention }),
    });
    const resource = new CustomResource(this, 'Key', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MungeKey',
      properties: { SecretArn: this.secret.secretArn },
    });
    this.secretArn = resource.getAttString('SecretArn');

    acknowledge(this.secret, {
      'AwsSolutions-SMG4': 'Rotating a munge key needs every cluster fleet stopped (ParallelCluster update policy); it is an operator action',
    });
    acknowledge(this, {
      'AwsSolutions-L1': 'nodejs22.x is available in both China regions; the framework function picks its own runtime',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The CDK Provider framework function uses the AWS basic execution policy for its own logs',
    });
    acknowledgeFunctionVersionWildcards(this, 'The CDK Provider framework invokes the current version of the writer, granted as <function ARN>:*');
  }
}

// Runs in the Lambda Node.js runtime, which ships the AWS SDK v3. It logs nothing about the key.
const WRITER_SOURCE = `
const { SecretsManagerClient, PutSecretValueCommand } = require('@aws-sdk/client-secrets-manager');
const { randomBytes } = require('node:crypto');
const client = new SecretsManagerClient({});
exports.handler = async (event) => {
  const arn = event.ResourceProperties.SecretArn;
  const changed = event.RequestType === 'Update' && event.OldResourceProperties.SecretArn !== arn;
  if (event.RequestType === 'Create' || changed) {
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: randomBytes(1024).toString('base64') }));
  }
  return { PhysicalResourceId: arn, Data: { SecretArn: arn } };
};
`;
