import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledgeDeletedOnPurpose } from '../nag.js';

export interface AlarmTopicProps {
  /** Addresses subscribed to the topic (each confirms by email before SNS delivers to it). */
  readonly emails: readonly string[];
  /** Shown as the sender's name of the emails. */
  readonly displayName: string;
}

/**
 * The SNS topic alarms and events are sent to, encrypted with its own KMS key. The AWS-managed SNS key cannot be used:
 * its policy cannot be changed, and CloudWatch, EventBridge and RDS must be allowed to use the key to publish to an
 * encrypted topic. Those three services may publish to it, and only for this account.
 */
export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    // Neither holds anything once the stack is gone (SNS keeps no messages): both are deleted with it, on purpose,
    // rather than retained like the deployment's data. The key is scheduled for deletion after KMS's waiting period.
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the hpc-ha alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeDeletedOnPurpose(this.key, 'It encrypts only the alarm topic, whose messages SNS does not keep; KMS deletes it after its waiting period');
    // RDS sends event notifications as `events.` followed by its own service principal.
    const rdsEvents = `events.${ServicePrincipal.servicePrincipalName('rds')}`;
    const publishers = [new ServicePrincipal('cloudwatch'), new ServicePrincipal('events'), ServicePrincipal.fromStaticServicePrincipleName(rdsEvents)];
    for (const principal of publishers) {
      // Encrypted topics need the publishing service to create and use a data key (SNS developer guide,
      // "Enable compatibility between event sources from AWS services and encrypted topics"). Its documented form has
      // no condition: not every service sends a source account to KMS, and a condition it lacks would drop every
      // alarm silently. The topic policy below is where the publisher is limited to this account.
      this.key.addToResourcePolicy(new PolicyStatement({ principals: [principal], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }));
    }
    this.topic = new Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.applyRemovalPolicy(RemovalPolicy.DESTROY);
    for (const principal of publishers) {
      this.topic.addToResourcePolicy(
        new PolicyStatement({
          principals: [principal],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
    }
    props.emails.forEach((email) => this.topic.addSubscription(new EmailSubscription(email)));
  }
}
