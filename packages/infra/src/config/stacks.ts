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

/**
 * The health file an Open OnDemand node keeps while it can log users in (@hpc-ha/ondemand-config's
 * OOD_HEALTH_CHECK_PATH; written out here because this module must load without the generators, and a test keeps
 * the two equal).
 */
export const OOD_HEALTH_CHECK_PATH = '/public/hpc-ha-health';

/** Where the load balancer sends users and how it checks a portal node: per portal product. */
export interface PortalTarget {
  /** HTTPS port on the node (the load balancer re-encrypts to it). */
  readonly port: number;
  readonly healthCheckPath: string;
  /** HTTP codes the load balancer counts as healthy. */
  readonly healthyHttpCodes: string;
  readonly product: string;
}

export function portalTarget(config: { readonly portal: { readonly kind: 'enginframe' | 'openondemand' } }): PortalTarget {
  // Open OnDemand: a file under /public (no login) that the node keeps only while a directory server answers for
  // Dex, so a node that cannot log anyone in is taken out; the node's address is an Apache server alias, so the
  // check (Host: <address>) gets the file, not the redirect to the portal name. Only 200 counts. EnginFrame answers
  // on its own context.
  return config.portal.kind === 'openondemand'
    ? { port: 443, healthCheckPath: OOD_HEALTH_CHECK_PATH, healthyHttpCodes: '200', product: 'Open OnDemand' }
    : { port: 8443, healthCheckPath: '/enginframe/', healthyHttpCodes: '200-399', product: 'EnginFrame' };
}

/** The HTTPS listener's certificate ARN output, on the ALB stack (the CLI reads its expiry from ACM). */
export const CERTIFICATE_ARN_OUTPUT = 'CertificateArn';
