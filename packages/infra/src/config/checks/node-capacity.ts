import type { PathSegment } from '../paths.js';
import { CLUSTER_IDS } from '../resolved.js';
import type { DeploymentConfigFile } from '../schema.js';
import { formatCidr, subnetLayout } from '../subnet-layout.js';
import type { Report } from './report.js';

/** EC2 keeps the first four addresses and the last of every subnet (VPC User Guide, "Subnet CIDR blocks"). */
export const AWS_RESERVED_PER_SUBNET = 5;
/**
 * Addresses of a private subnet that are not compute nodes: the head node, the portal node, the EFS mount target,
 * the FSx for Lustre file system's interfaces, an Aurora instance, a managed directory's domain controller and the
 * VPC endpoint, with room to spare for interfaces a replacement creates before the old one is gone.
 */
export const INFRASTRUCTURE_ADDRESSES = 16;

/**
 * ParallelCluster bounds MaxCount only from below (its schema: Range(min=1)); what bounds it from above is the
 * subnet: every compute node takes an address of its cluster's private subnet, and EC2 refuses a launch when none
 * is left (InsufficientFreeAddressesInSubnet), at scale-up time, long after a deploy that looked fine. So the sum
 * of each cluster's maxCount must fit the addresses its subnet has for compute nodes.
 */
export function checkNodeCapacity(c: DeploymentConfigFile, r: Report): void {
  const layout = subnetLayout(c.network.vpcCidr);
  if (!layout) return;
  CLUSTER_IDS.forEach((id, az) => {
    const subnet = layout.private[az]!;
    const room = 2 ** (32 - subnet.prefix) - AWS_RESERVED_PER_SUBNET - INFRASTRUCTURE_ADDRESSES;
    const resources: { path: PathSegment[]; maxCount: number }[] = [];
    const collect = (queues: DeploymentConfigFile['clusters']['queues'] | undefined, base: PathSegment[]) =>
      queues?.forEach((q, i) => q.computeResources.forEach((cr, j) => resources.push({ path: [...base, i, 'computeResources', j, 'maxCount'], maxCount: cr.maxCount })));
    collect(c.clusters.queues, ['clusters', 'queues']);
    collect(c.clusters.overrides[id]?.queues, ['clusters', 'overrides', id, 'queues']);
    const total = resources.reduce((n, x) => n + x.maxCount, 0);
    if (total <= room || resources.length === 0) return;
    // Named at the largest maxCount: the value most likely to be the one to lower.
    const largest = resources.reduce((a, b) => (b.maxCount > a.maxCount ? b : a));
    r.error(
      largest.path,
      `${id} can scale to ${total} compute nodes (the sum of its maxCount values), but its private subnet ${formatCidr(subnet)} has addresses for at most ${room} ` +
        `(${2 ** (32 - subnet.prefix)} addresses, ${AWS_RESERVED_PER_SUBNET} reserved by AWS, ${INFRASTRUCTURE_ADDRESSES} kept for the head node, portal node, file systems and database); ` +
        'lower maxCount, or choose a larger network.vpcCidr',
    );
  });
}
