import { RemovalPolicy, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { DeploymentConfig } from '../config/index.js';

export interface HpcStackProps extends StackProps {
  readonly config: DeploymentConfig;
}

/** Databases, file systems and logs: deleted with the stack only when the deployment is marked disposable. */
export function statefulRemovalPolicy(config: Pick<DeploymentConfig, 'disposable'>, retained = RemovalPolicy.RETAIN): RemovalPolicy {
  return config.disposable ? RemovalPolicy.DESTROY : retained;
}

export function logRetention(config: Pick<DeploymentConfig, 'disposable'>): RetentionDays {
  return config.disposable ? RetentionDays.ONE_WEEK : RetentionDays.ONE_YEAR;
}
