import { CustomResource, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Runtime } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret, type CfnSecret } from 'aws-cdk-lib/aws-secretsmanager';
import { MUNGE_KEY_ATTRIBUTES, MUNGE_KEY_PROPERTIES } from '@hpc-ha/lambdas';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.js';
import { BundledProvider } from './bundled-provider.js';

export interface MungeKeySecretProps {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly runtime?: Runtime;
  /**
   * Changing this on a stack update writes a new key (see the munge-key handler). Stop the compute fleets first:
   * nodes keep the old key until they are reconfigured. Default: none, the key is written once and kept.
   */
  readonly rotationToken?: string;
}

/**
 * The one munge key of the deployment (both clusters' `MungeKeySecretArn` and the portal nodes): a Secrets Manager
 * secret whose value is the base64 of 1024 random bytes. Secrets Manager's generator only makes printable passwords,
 * so the secret is created empty and the `munge-key` handler of @hpc-ha/lambdas writes the key at deploy time; the
 * key is never in the template nor in any response. It is written once and then kept: a new key would cut running
 * clusters off from their portal.
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
    // CDK fills a secret without a value with a generated password; without either property CloudFormation creates
    // an empty secret, which is all the handler needs (and nothing can mistake a placeholder for a key).
    (this.secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');

    const provider = new BundledProvider(this, 'Provider', {
      handler: 'munge-key',
      runtime: props.runtime,
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
    });
    // Only this secret, and only what the handler does with it: check it, read the current value, write a key.
    provider.role.addToPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [this.secret.secretArn],
      }),
    );

    const resource = new CustomResource(this, 'Key', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MungeKey',
      properties: {
        [MUNGE_KEY_PROPERTIES.secretArn]: this.secret.secretArn,
        ...(props.rotationToken !== undefined ? { [MUNGE_KEY_PROPERTIES.rotationToken]: props.rotationToken } : {}),
      },
    });
    this.secretArn = resource.getAttString(MUNGE_KEY_ATTRIBUTES.secretArn);

    acknowledge(this.secret, {
      'AwsSolutions-SMG4': 'Rotating a munge key needs every cluster fleet stopped (ParallelCluster update policy); it is an operator action',
    });
  }
}
