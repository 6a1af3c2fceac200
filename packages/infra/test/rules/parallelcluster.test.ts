/**
 * ParallelCluster's own network checks of existing storage (EfsIdValidator, ExistingFsxNetworkingValidator), on
 * the synthesized security groups: the real HpcSecurityGroups pass, the groups as they were before the fix fail.
 */
import { describe, expect, it } from 'vitest';
import { Stack, type App } from 'aws-cdk-lib';
import { Peer, Port, SecurityGroup, SubnetType, Vpc, type IVpc } from 'aws-cdk-lib/aws-ec2';
import { FileSystem } from 'aws-cdk-lib/aws-efs';
import { LustreDeploymentType, LustreFileSystem } from 'aws-cdk-lib/aws-fsx';
import { Size } from 'aws-cdk-lib';
import { HpcSecurityGroups } from '../../src/constructs/security-groups.js';
import { markParallelClusterNodeGroup } from '../../src/rules/index.js';
import { parallelClusterEfsAccess } from '../../src/rules/parallelcluster/efs-security-groups.js';
import { parallelClusterFsxAccess } from '../../src/rules/parallelcluster/fsx-security-groups.js';
import { cidrCovers } from '../../src/rules/parallelcluster/node-groups.js';
import { ENV, violations } from './support.js';

/** A network stack with a marked cluster group, and storage in its own stack (as the app has it). */
function storage(app: App, stack: Stack, groups: (vpc: IVpc) => { efs: SecurityGroup; fsx: SecurityGroup }) {
  const vpc = new Vpc(stack, 'Vpc', { ipAddresses: undefined, maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: SubnetType.PRIVATE_ISOLATED }] });
  const { efs, fsx } = groups(vpc);
  const storageStack = new Stack(app, 'Storage', { env: ENV });
  new FileSystem(storageStack, 'Efs', { vpc, securityGroup: efs });
  new LustreFileSystem(storageStack, 'Fsx', {
    vpc,
    vpcSubnet: vpc.isolatedSubnets[0]!,
    securityGroup: fsx,
    storageCapacityGiB: 1200,
    lustreConfiguration: { deploymentType: LustreDeploymentType.PERSISTENT_2, perUnitStorageThroughput: 125 },
  });
  void Size;
}

const realGroups = (app: App, stack: Stack) =>
  storage(app, stack, (vpc) => {
    const sgs = new HpcSecurityGroups(stack, 'Groups', { vpc, allowedCidrs: ['10.0.0.0/8'], httpRedirect: false });
    return { efs: sgs.efs, fsx: sgs.fsx };
  });

/** The storage groups as they were before the fix: the EFS group admits NFS but sends nothing. */
const ingressOnly = (app: App, stack: Stack) =>
  storage(app, stack, (vpc) => {
    const cluster = new SecurityGroup(stack, 'Cluster', { vpc });
    markParallelClusterNodeGroup(cluster);
    const efs = new SecurityGroup(stack, 'Efs', { vpc, allowAllOutbound: false });
    efs.addIngressRule(cluster, Port.tcp(2049));
    const fsx = new SecurityGroup(stack, 'Fsx', { vpc, allowAllOutbound: true });
    fsx.addIngressRule(cluster, Port.tcp(988));
    return { efs, fsx };
  });

describe('HpcHa-PClusterEfsAccess (EfsIdValidator: TCP 2049 in and out)', () => {
  it("passes the deployment's own security groups", () => {
    expect(violations(parallelClusterEfsAccess, realGroups)).toEqual([]);
  });

  it('fails a mount target whose group has no egress, once per mount target', () => {
    expect(violations(parallelClusterEfsAccess, ingressOnly)).toEqual(['HpcHa-PClusterEfsAccess[TCP 2049 outbound missing] Storage/Efs/EfsMountTarget1']);
  });

  it('fails a group that admits another group than the cluster nodes; passes a CIDR covering the VPC', () => {
    const withPeer = (peer: 'other' | 'vpc-cidr' | 'narrow-cidr') => (app: App, stack: Stack) =>
      storage(app, stack, (vpc) => {
        const cluster = new SecurityGroup(stack, 'Cluster', { vpc });
        markParallelClusterNodeGroup(cluster);
        const other = new SecurityGroup(stack, 'Other', { vpc });
        const efs = new SecurityGroup(stack, 'Efs', { vpc, allowAllOutbound: false });
        const p = peer === 'other' ? other : Peer.ipv4(peer === 'vpc-cidr' ? '10.0.0.0/8' : '10.0.0.0/24');
        efs.addIngressRule(p, Port.tcp(2049));
        efs.addEgressRule(p, Port.tcp(2049));
        return { efs, fsx: new SecurityGroup(stack, 'Fsx', { vpc }) };
      });
    expect(violations(parallelClusterEfsAccess, withPeer('other'))).toEqual([expect.stringContaining('[TCP 2049 inbound and outbound missing]')]);
    expect(violations(parallelClusterEfsAccess, withPeer('vpc-cidr'))).toEqual([]);
    expect(violations(parallelClusterEfsAccess, withPeer('narrow-cidr'))).toHaveLength(1);
  });

  it('does not apply when no ParallelCluster node group is marked', () => {
    expect(
      violations(parallelClusterEfsAccess, (app, stack) =>
        storage(app, stack, (vpc) => ({ efs: new SecurityGroup(stack, 'Efs', { vpc, allowAllOutbound: false }), fsx: new SecurityGroup(stack, 'Fsx', { vpc }) })),
      ),
    ).toEqual([]);
  });
});

describe('HpcHa-PClusterFsxAccess (FSx networking validator: Lustre ports in and out)', () => {
  it("passes the deployment's own security groups", () => {
    expect(violations(parallelClusterFsxAccess, realGroups)).toEqual([]);
  });

  it('fails a group that admits only 988, naming each missing port', () => {
    expect(violations(parallelClusterFsxAccess, ingressOnly).map((v) => v.replace(/ Storage\/Fsx\/Resource$/, ''))).toEqual(
      [1018, 1019, 1020, 1021, 1022, 1023].map((p) => `HpcHa-PClusterFsxAccess[TCP ${p} inbound missing]`),
    );
  });
});

describe('cidrCovers', () => {
  it.each([
    ['0.0.0.0/0', '10.1.0.0/16', true],
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['10.1.0.0/24', '10.1.0.0/16', false],
    ['192.168.0.0/16', '10.1.0.0/16', false],
  ])('%s covers %s: %s', (outer, inner, expected) => expect(cidrCovers(outer, inner)).toBe(expected));
});
