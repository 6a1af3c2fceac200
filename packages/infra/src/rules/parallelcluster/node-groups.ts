import type { CfnResource } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupEgress, CfnSecurityGroupIngress, CfnVPC, type ISecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { resolved } from '../estimate.js';
import { appResources, referencedResources } from '../references.js';

const NODE_GROUP_METADATA = 'hpc-ha:parallelcluster-node-group';

/**
 * Marks a security group that every head and compute node of the app's ParallelCluster clusters carries (their
 * AdditionalSecurityGroups), so the storage rules can check what ParallelCluster's validators check.
 */
export function markParallelClusterNodeGroup(group: ISecurityGroup): void {
  const cfn = group.node.defaultChild;
  if (!(cfn instanceof CfnSecurityGroup)) throw new Error(`internal: ${group.node.path} is not a security group of this app`);
  cfn.node.addMetadata(NODE_GROUP_METADATA, true);
}

export function parallelClusterNodeGroups(scope: CfnResource): CfnSecurityGroup[] {
  return appResources(scope, CfnSecurityGroup).filter((g) => g.node.metadata.some((m) => m.type === NODE_GROUP_METADATA));
}

interface Rule {
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly cidr?: string;
  readonly peers: readonly CfnResource[];
}

type RawRule = { ipProtocol?: string; IpProtocol?: string; fromPort?: number; FromPort?: number; toPort?: number; ToPort?: number; cidrIp?: string; CidrIp?: string };

function toRule(raw: RawRule, peers: readonly CfnResource[]): Rule {
  const protocol = String(raw.ipProtocol ?? raw.IpProtocol ?? '-1');
  const from = Number(raw.fromPort ?? raw.FromPort ?? 0);
  const to = Number(raw.toPort ?? raw.ToPort ?? 65535);
  return { protocol, from: protocol === '-1' ? 0 : from, to: protocol === '-1' ? 65535 : to, cidr: raw.cidrIp ?? raw.CidrIp, peers };
}

/** The rules of one direction of a group: inline (CIDR peers, as aws-cdk-lib writes them) and standalone resources. */
function rulesOf(group: CfnSecurityGroup, direction: 'in' | 'out'): Rule[] {
  const inline = ((resolved(group, direction === 'in' ? group.securityGroupIngress : group.securityGroupEgress) as RawRule[] | undefined) ?? []).map((r) =>
    toRule(r, []),
  );
  const standalone =
    direction === 'in'
      ? appResources(group, CfnSecurityGroupIngress)
          .filter((r) => referencedResources(r, r.groupId).includes(group))
          .map((r) => toRule(resolved(r, { ipProtocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort, cidrIp: r.cidrIp }) as RawRule, referencedResources(r, r.sourceSecurityGroupId)))
      : appResources(group, CfnSecurityGroupEgress)
          .filter((r) => referencedResources(r, r.groupId).includes(group))
          .map((r) => toRule(resolved(r, { ipProtocol: r.ipProtocol, fromPort: r.fromPort, toPort: r.toPort, cidrIp: r.cidrIp }) as RawRule, referencedResources(r, r.destinationSecurityGroupId)));
  return [...inline, ...standalone];
}

function ipv4(cidr: string): { base: number; bits: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const base = m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
  return { base, bits: Number(m[5]) };
}

/** Whether `outer` contains `inner` (both IPv4 CIDRs). */
export function cidrCovers(outer: string, inner: string): boolean {
  const o = ipv4(outer);
  const i = ipv4(inner);
  if (!o || !i || o.bits > i.bits) return false;
  const size = 2 ** (32 - o.bits);
  return Math.floor(o.base / size) === Math.floor(i.base / size);
}

/**
 * ParallelCluster's `_is_access_allowed` (cluster_validators.py), on the synthesized groups: some group of the
 * storage allows TCP `port` in (and out, when `outbound`) either from every cluster node group or from a CIDR
 * covering the cluster's VPC. Returns the directions that are missing.
 */
export function missingDirections(storage: CfnResource, groups: readonly CfnSecurityGroup[], port: number, outbound: boolean): string[] {
  const nodeGroups = parallelClusterNodeGroups(storage);
  const vpcCidrs = appResources(storage, CfnVPC)
    .map((v) => resolved(v, v.cidrBlock))
    .filter((c): c is string => typeof c === 'string');
  const allows = (direction: 'in' | 'out') =>
    groups.some((g) =>
      rulesOf(g, direction).some(
        (r) =>
          (r.protocol === '-1' || r.protocol === 'tcp' || r.protocol === '6') &&
          r.from <= port &&
          port <= r.to &&
          ((nodeGroups.length > 0 && nodeGroups.every((n) => r.peers.includes(n))) ||
            (r.cidr !== undefined && (r.cidr === '0.0.0.0/0' || (vpcCidrs.length > 0 && vpcCidrs.every((c) => cidrCovers(r.cidr!, c)))))),
      ),
    );
  const missing: string[] = [];
  if (!allows('in')) missing.push('inbound');
  if (outbound && !allows('out')) missing.push('outbound');
  return missing;
}

/** The security groups a storage resource's property names, in this app. */
export function groupsOf(node: CfnResource, value: unknown): CfnSecurityGroup[] {
  return referencedResources(node, value).filter((r): r is CfnSecurityGroup => r instanceof CfnSecurityGroup);
}
