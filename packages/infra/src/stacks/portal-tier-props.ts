import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IApplicationTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { DeploymentConfig } from '../config/index.js';
import { portalBootBudgetMinutes } from '@hpc-ha/portal-node';
import { MAX_ROLLING_PAUSE, type PortalTierProps } from '../constructs/portal-tier.js';
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
 * The signal timeouts of a deployment's portal nodes. A first boot may take the sum of its bounded waits
 * (`portalBootBudgetMinutes`: packages, storage, directory, munge, Slurm client, the portal's own install and health
 * probe; with `provisioner: instance` also the pcluster CLI and its cluster's creation). A rolling replacement may
 * wait at most one hour for the new node (CloudFormation's `PauseTime` limit), which the sum of every wait at its
 * maximum can exceed: each wait is bounded generously, and a replacement that really takes longer fails its rolling
 * update, which CloudFormation rolls back with the old node still in place.
 */
export function portalSignalTimeouts(config: Pick<DeploymentConfig, 'clusters' | 'portal'>): PortalSignalTimeouts {
  const budget = portalBootBudgetMinutes({ portalKind: config.portal.kind, provisioner: config.clusters.provisioner });
  return { creationTimeout: Duration.minutes(budget), replacementTimeout: Duration.minutes(Math.min(budget, MAX_ROLLING_PAUSE.toMinutes())) };
}
