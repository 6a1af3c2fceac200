import type { CfnResource } from 'aws-cdk-lib';
import { CfnFileSystem } from 'aws-cdk-lib/aws-fsx';
import { NagRuleCompliance } from 'cdk-nag';
import { resolved } from '../estimate.js';
import { type DeployTimeRule } from '../rule.js';
import { groupsOf, missingDirections, parallelClusterNodeGroups } from './node-groups.js';

/** LNet (988), which ParallelCluster checks, and the ports Lustre clients and servers also use (FSx Lustre guide). */
export const LUSTRE_CHECKED_PORTS = [988, 1018, 1019, 1020, 1021, 1022, 1023] as const;

/**
 * ParallelCluster's ExistingFsxNetworkingValidator (cli/src/pcluster/validators/cluster_validators.py, FSX_PORTS in
 * constants.py): the file system's network interfaces must have a security group allowing TCP 988 inbound AND
 * outbound to every cluster node, or cluster creation fails at ERROR level. 1018-1023 are checked the same way, as
 * the FSx for Lustre User Guide ("File system access control with Amazon VPC") requires them between clients and
 * servers. Applies to Lustre file systems when the app marks ParallelCluster node groups.
 */
export const parallelClusterFsxAccess: DeployTimeRule = {
  id: 'PClusterFsxAccess',
  info: 'The FSx for Lustre security groups do not allow the Lustre ports (988, 1018-1023) both inbound and outbound to the ParallelCluster node group.',
  explanation: "ParallelCluster's FSx networking validator refuses the cluster (ERROR) when the file system's groups do not allow Lustre traffic in and out. Source: aws-parallelcluster cluster_validators.py, ExistingFsxNetworkingValidator; FSx for Lustre User Guide, VPC access control.",
  check(node: CfnResource) {
    if (!(node instanceof CfnFileSystem) || resolved(node, node.fileSystemType) !== 'LUSTRE' || parallelClusterNodeGroups(node).length === 0) {
      return NagRuleCompliance.NOT_APPLICABLE;
    }
    const groups = groupsOf(node, node.securityGroupIds);
    const findings = LUSTRE_CHECKED_PORTS.flatMap((port) => {
      const missing = missingDirections(node, groups, port, true);
      return missing.length ? [`TCP ${port} ${missing.join(' and ')} missing`] : [];
    });
    return findings.length ? findings : NagRuleCompliance.COMPLIANT;
  },
};
