import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, type Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  CERT_DEFAULTS,
  CERT_RENEWAL_DEFAULTS,
  CERT_RENEWAL_FUNCTION,
  handlerBundleDir,
  type CertRenewalInput,
} from '@hpc-ha/lambdas';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeDeletedOnPurpose } from '../nag.js';

export interface CertificateRenewalProps {
  /** The self-signed certificate to keep valid (the certificate resource's `CertificateArn`). */
  readonly certificateArn: string;
  /** The name it is for: the load balancer's DNS name, as given to the certificate resource. */
  readonly domainName: string;
  /** The runtime of the certificate resource's own functions (same bundle). */
  readonly runtime: Runtime;
  readonly logRetention: RetentionDays;
}

/**
 * Keeps the self-signed certificate valid: a daily schedule invokes the cert bundle's `renew`, which re-imports a
 * fresh certificate into the same ARN when fewer than 30 days are left. The listener keeps the ARN, so renewal needs
 * no stack update. The function may describe and re-import that one certificate and nothing else.
 */
export class CertificateRenewal extends Construct {
  readonly function: LambdaFunction;
  readonly schedule: Rule;
  /** Where EventBridge leaves a scheduled run it could not deliver to the function after its retries. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CertificateRenewalProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda'), description: 'hpc-ha certificate renewal' });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    role.addToPolicy(new PolicyStatement({ actions: ['acm:DescribeCertificate', 'acm:ImportCertificate'], resources: [props.certificateArn] }));

    this.function = new LambdaFunction(this, 'Function', {
      runtime: props.runtime,
      code: Code.fromAsset(handlerBundleDir('cert')),
      handler: CERT_RENEWAL_FUNCTION,
      role,
      timeout: Duration.minutes(2),
      memorySize: 256,
      logGroup,
      description: 'Re-imports the self-signed load balancer certificate into the same ARN before it expires',
    });
    this.function.node.addDependency(role);

    const input: CertRenewalInput = {
      CertificateArn: props.certificateArn,
      DomainName: props.domainName,
      ValidityDays: CERT_DEFAULTS.validityDays,
      RenewDaysBefore: CERT_RENEWAL_DEFAULTS.renewDaysBefore,
    };
    // Holds undelivered runs only (no data to keep): deleted with the stack.
    this.deadLetterQueue = new Queue(this, 'Undelivered', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledgeDeletedOnPurpose(this.deadLetterQueue, 'It holds only undelivered runs of this schedule, diagnostics with no value once the stack is gone');
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Daily check of the self-signed load balancer certificate',
      schedule: Schedule.rate(Duration.hours(CERT_RENEWAL_DEFAULTS.checkEveryHours)),
      targets: [
        new LambdaTarget(this.function, {
          event: RuleTargetInput.fromObject(input),
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });
    acknowledge(this.deadLetterQueue, {
      'AwsSolutions-SQS3': "This queue is the schedule's dead-letter queue; its own messages are read by an operator, not redelivered",
    });
    acknowledge(this, {
      'AwsSolutions-L1': 'The runtime of the certificate resource, whose bundle this function shares; available in both China regions',
    });
  }
}
