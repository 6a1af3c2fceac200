import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { DeploymentConfig } from '../config/index.js';
import type { PortalTierProps } from '../constructs/portal-tier.js';
import type { ClusterInfrastructure } from './clusters-stack.js';
import { logRetention, statefulRemovalPolicy } from './common.js';

/** What a portal stack receives that its tier needs, whichever the portal. */
export interface PortalStackInputs extends ClusterInfrastructure {
  readonly config: DeploymentConfig;
  readonly portalSecurityGroup: ISecurityGroup;
  readonly targetGroup: IApplicationTargetGroup;
}

/** The tier's props that do not depend on the portal product: placement, size, timeouts and log keeping. */
export function commonPortalTierProps(props: PortalStackInputs): Omit<PortalTierProps, 'product' | 'program' | 'secretArns' | 'artifactUris'> {
  const { config } = props;
  return {
    vpc: props.vpc,
    subnets: props.privateSubnets,
    securityGroup: props.portalSecurityGroup,
    targetGroup: props.targetGroup,
    instanceType: config.portal.instanceType,
    rootVolumeGiB: config.portal.rootVolumeGiB,
    keyName: config.portal.keyName,
    ...portalSignalTimeouts(config),
    logRetention: logRetention(config),
    logRemovalPolicy: statefulRemovalPolicy(config),
  };
}

/** How long a portal node may take to signal: on its first boot (creation) and as a rolling replacement. */
export interface PortalSignalTimeouts {
  readonly creationTimeout: Duration;
  readonly replacementTimeout: Duration;
}

/**
 * The signal timeouts of a deployment's portal nodes, from the bounded waits their boot may spend. A node no longer
 * waits for its cluster to publish (it joins it through the re-sync timer), so a boot is packages, mounts, the
 * portal's own install and its health probe. With `provisioner: instance` a first boot also runs the pcluster CLI
 * and creates its cluster (ParallelCluster allows its head node 30 minutes to bootstrap, plus its stack); a
 * replacement finds the cluster there and adopts it, so replacements fit in CloudFormation's one-hour pause.
 */
export function portalSignalTimeouts(config: Pick<DeploymentConfig, 'clusters' | 'portal'>): PortalSignalTimeouts {
  const boot = Duration.minutes(60);
  const createsCluster = config.portal.kind === 'enginframe' && config.clusters.provisioner === 'instance';
  return { creationTimeout: createsCluster ? Duration.minutes(150) : boot, replacementTimeout: boot };
}
