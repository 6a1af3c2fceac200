import { Duration, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { HANDLER_FUNCTIONS, handlerBundleDir, type HandlerName } from '@hpc-ha/lambdas';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeFunctionVersionWildcards } from '../nag.js';

/** Context key naming the Lambda runtime of every bundled handler (a `nodejs*` runtime name). */
export const LAMBDA_RUNTIME_CONTEXT = 'hpc-ha:lambdaNodeRuntime';

function runtimeOf(scope: Construct, explicit: Runtime | undefined): Runtime {
  if (explicit) return explicit;
  const name = scope.node.tryGetContext(LAMBDA_RUNTIME_CONTEXT) as unknown;
  if (name === undefined) return Runtime.NODEJS_22_X;
  if (typeof name !== 'string' || !/^nodejs\d+\.x$/.test(name)) {
    throw new Error(`${LAMBDA_RUNTIME_CONTEXT} must name a Node.js Lambda runtime such as nodejs22.x, not ${JSON.stringify(name)}`);
  }
  return new Runtime(name, RuntimeFamily.NODEJS, { supportsInlineCode: true });
}

export interface BundledProviderProps {
  /** Which prebuilt bundle of `@hpc-ha/lambdas` serves the resource. */
  readonly handler: HandlerName;
  /**
   * Default: the app's {@link LAMBDA_RUNTIME_CONTEXT} (the region profile's `lambdaNodeRuntime`, set by
   * `addDeploymentStacks`), else `nodejs22.x`, the runtime the bundles are built for.
   */
  readonly runtime?: Runtime;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly environment?: Readonly<Record<string, string>>;
  /** Run the handler inside the VPC (db-bootstrap). */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  readonly logRetention: RetentionDays;
  /** Upper bound of the `isComplete` polling (Provider framework: at most one hour). */
  readonly totalTimeout?: Duration;
  readonly queryInterval?: Duration;
}

/**
 * A custom-resource provider served by one of the prebuilt handler bundles, through the CDK Provider framework
 * (so CloudFormation always gets an answer). The handler's role starts with nothing but its own log stream;
 * callers grant the rest.
 */
export class BundledProvider extends Construct {
  readonly role: Role;
  readonly onEventFunction: LambdaFunction;
  readonly isCompleteFunction?: LambdaFunction;
  readonly provider: Provider;

  constructor(scope: Construct, id: string, props: BundledProviderProps) {
    super(scope, id);
    const functions = HANDLER_FUNCTIONS[props.handler];
    const runtime = runtimeOf(this, props.runtime);
    const code = Code.fromAsset(handlerBundleDir(props.handler));
    const logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda'),
      description: `hpc-ha ${props.handler} custom resource`,
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    if (props.vpc) {
      // Lambda's VPC attachment: these EC2 calls take no resource-level restriction.
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        }),
      );
      acknowledge(this.role, {
        'AwsSolutions-IAM5[Resource::*]': 'Lambda VPC attachment: the ENI calls support no resource-level permissions',
      });
    }

    const make = (name: string, handler: string) =>
      new LambdaFunction(this, name, {
        runtime,
        code,
        handler,
        role: this.role,
        timeout: props.timeout ?? Duration.minutes(5),
        memorySize: props.memorySize ?? 256,
        environment: props.environment ? { ...props.environment } : undefined,
        vpc: props.vpc,
        vpcSubnets: props.vpcSubnets,
        securityGroups: props.securityGroups,
        logGroup,
      });
    this.onEventFunction = make('OnEvent', functions.onEvent);
    if (functions.isComplete) this.isCompleteFunction = make('IsComplete', functions.isComplete);
    // Both functions share the role, so its policy must exist before either runs.
    for (const fn of [this.onEventFunction, this.isCompleteFunction]) fn?.node.addDependency(this.role);

    const frameworkLogs = new LogGroup(this, 'FrameworkLogs', { retention: props.logRetention });
    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.onEventFunction,
      isCompleteHandler: this.isCompleteFunction,
      totalTimeout: this.isCompleteFunction ? (props.totalTimeout ?? Duration.minutes(55)) : undefined,
      queryInterval: this.isCompleteFunction ? (props.queryInterval ?? Duration.seconds(30)) : undefined,
      logGroup: frameworkLogs,
      // Execution data would repeat the resource properties in the logs; the state transitions are enough.
      waiterStateMachineLogOptions: this.isCompleteFunction ? { destination: frameworkLogs, level: LogLevel.ALL, includeExecutionData: false } : undefined,
      disableWaiterStateMachineLogging: this.isCompleteFunction ? false : undefined,
    });
    acknowledge(this, {
      'AwsSolutions-L1': `${runtime.name} is the region profile's runtime for the handler bundles, available in both China regions; the framework picks its own`,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]':
        'The CDK Provider framework functions use the AWS basic execution policy for their own logs',
      'AwsSolutions-SF2': 'The Provider framework waiter only polls isComplete; its transitions are logged, X-Ray adds nothing there',
    });
    const waiter = this.provider.node.tryFindChild('waiter-state-machine');
    if (waiter) {
      acknowledge(waiter, {
        'AwsSolutions-IAM5[Resource::*]': 'Step Functions log delivery (logs:CreateLogDelivery and friends) supports no resource-level permissions',
      });
    }
    acknowledgeFunctionVersionWildcards(this, 'The CDK Provider framework invokes the current version of its functions, granted as <function ARN>:*');
  }

  get serviceToken(): string {
    return this.provider.serviceToken;
  }

  /** The stack this provider lives in (for ARNs of resources its handler touches). */
  get stack(): Stack {
    return Stack.of(this);
  }
}
