/**
 * The construct ids of the app's stacks, in deployment order (ARCHITECTURE.md §2). Each stack's name is
 * `<deployment name>-<id>`; `Clusters` exists only with `provisioner: cloudformation`.
 */
export const STACK_IDS = ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB', 'Clusters', 'EnginFrame'] as const;

export function stackNames(deploymentName: string): string[] {
  return STACK_IDS.map((id) => `${deploymentName}-${id}`);
}

/** The output key of the portal URL (kept from the seed). */
export const PORTAL_URL_OUTPUT = 'EnginFramePortalURL';
