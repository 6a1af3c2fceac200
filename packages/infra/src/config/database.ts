import type { DeploymentConfig } from './resolved.js';

/** Whether the stack creates an AWS Managed Microsoft AD (`directory.create: true`), in the VPC stack. */
export function createsManagedDirectory(config: Pick<DeploymentConfig, 'directory'>): boolean {
  return config.directory.type === 'activeDirectory' && config.directory.create !== undefined;
}
