/**
 * The app's stacks, in deployment order (construct ids kept from the seed's `cdk deploy VPC AuroraServerless EFS FSX
 * ALB EnginFrame`). Here rather than in the CDK app so the CLI can name stacks without loading aws-cdk-lib.
 */
export const STACK_IDS = ['VPC', 'AuroraServerless', 'EFS', 'FSX', 'ALB', 'Clusters', 'EnginFrame', 'OpenOnDemand', 'Monitoring'] as const;
export type StackId = (typeof STACK_IDS)[number];

/** CloudFormation name of a stack: prefixed with the deployment name, so several deployments share an account. */
export function stackName(deploymentName: string, id: StackId): string {
  return `${deploymentName}-${id}`;
}

/** The portal URL output (the seed's name), on the EnginFrame stack. */
export const PORTAL_URL_OUTPUT = 'EnginFramePortalURL';
/** The portal URL output of the OpenOnDemand stack (portal.kind: openondemand). */
export const ONDEMAND_PORTAL_URL_OUTPUT = 'OpenOnDemandPortalURL';

/** Where the load balancer sends users and how it checks a portal node: per portal product. */
export interface PortalTarget {
  /** HTTPS port on the node (the load balancer re-encrypts to it). */
  readonly port: number;
  readonly healthCheckPath: string;
  readonly product: string;
}

export function portalTarget(config: { readonly portal: { readonly kind: 'enginframe' | 'openondemand' } }): PortalTarget {
  // Open OnDemand's Apache answers every request for another host name (the health check's IP) with a redirect to
  // the portal name, so any 2xx-3xx from / shows Apache serving; EnginFrame answers on its own context.
  return config.portal.kind === 'openondemand'
    ? { port: 443, healthCheckPath: '/', product: 'Open OnDemand' }
    : { port: 8443, healthCheckPath: '/enginframe/', product: 'EnginFrame' };
}

/** The HTTPS listener's certificate ARN output, on the ALB stack (the CLI reads its expiry from ACM). */
export const CERTIFICATE_ARN_OUTPUT = 'CertificateArn';
