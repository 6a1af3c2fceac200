/**
 * The app's stacks, in deployment order (construct ids kept from the seed's `cdk deploy VPC AuroraServerless EFS FSX
 * ALB EnginFrame`). Here rather than in the CDK app so the CLI can name stacks without loading aws-cdk-lib.
 */
export const STACK_IDS = ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB', 'Clusters', 'EnginFrame'] as const;
export type StackId = (typeof STACK_IDS)[number];

/** CloudFormation name of a stack: prefixed with the deployment name, so several deployments share an account. */
export function stackName(deploymentName: string, id: StackId): string {
  return `${deploymentName}-${id}`;
}

/** The portal URL output (the seed's name), on the EnginFrame stack. */
export const PORTAL_URL_OUTPUT = 'EnginFramePortalURL';

/** The HTTPS listener's certificate ARN output, on the ALB stack (the CLI reads its expiry from ACM). */
export const CERTIFICATE_ARN_OUTPUT = 'CertificateArn';
