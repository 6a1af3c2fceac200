import type { DeploymentConfig } from './resolved.js';

/**
 * Whether the deployment creates the Aurora MySQL cluster (the `AuroraServerless` stack). The one predicate the
 * stack graph, the plan model, the cost estimate and the CLI ask: today only EnginFrame keeps its state in a
 * database; whatever else comes to need one changes this function, and every consumer follows.
 */
export function createsDatabase(config: Pick<DeploymentConfig, 'portal'>): boolean {
  return config.portal.kind === 'enginframe';
}

/** Whether the stack creates an AWS Managed Microsoft AD (`directory.create: true`), in the VPC stack. */
export function createsManagedDirectory(config: Pick<DeploymentConfig, 'directory'>): boolean {
  return config.directory.type === 'activeDirectory' && config.directory.create !== undefined;
}
