import type { CfnResource } from 'aws-cdk-lib';
import { CfnMountTarget } from 'aws-cdk-lib/aws-efs';
import { NagRuleCompliance } from 'cdk-nag';
import { type DeployTimeRule } from '../rule.js';
import { groupsOf, missingDirections, parallelClusterNodeGroups } from './node-groups.js';

export const EFS_PORT = 2049;

/**
 * ParallelCluster's EfsIdValidator (cli/src/pcluster/validators/cluster_validators.py): for an existing EFS, each
 * mount target in the cluster's AZs must have a security group that allows TCP 2049 inbound AND outbound to every
 * cluster node (by one of the nodes' groups, or a CIDR covering their subnets); otherwise cluster creation fails at
 * ERROR level. Applies when the app marks ParallelCluster node groups (markParallelClusterNodeGroup).
 */
export const parallelClusterEfsAccess: DeployTimeRule = {
  id: 'PClusterEfsAccess',
  info: `The EFS mount target's security groups do not allow TCP ${EFS_PORT} both inbound and outbound to the ParallelCluster node group.`,
  explanation: "ParallelCluster's EfsIdValidator refuses the cluster (ERROR): the mount target must allow NFS in and out to the cluster nodes. Add both rules SG-to-SG. Source: aws-parallelcluster cluster_validators.py, EfsIdValidator.",
  check(node: CfnResource) {
    if (!(node instanceof CfnMountTarget) || parallelClusterNodeGroups(node).length === 0) return NagRuleCompliance.NOT_APPLICABLE;
    const missing = missingDirections(node, groupsOf(node, node.securityGroups), EFS_PORT, true);
    return missing.length ? [`TCP ${EFS_PORT} ${missing.join(' and ')} missing`] : NagRuleCompliance.COMPLIANT;
  },
};
