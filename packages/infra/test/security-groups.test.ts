/** Portal <-> cluster security-group rules: only the ports used, each with its reason. */
import { describe, expect, it } from 'vitest';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { HpcSecurityGroups, LINUX_EPHEMERAL_PORTS } from '../src/constructs/security-groups.js';

function rules(srunPorts?: { from: number; to: number }) {
  const stack = new Stack(new App(), 'Net', { env: { region: 'cn-north-1' } });
  const sgs = new HpcSecurityGroups(stack, 'Groups', { vpc: new Vpc(stack, 'Vpc'), allowedCidrs: ['10.0.0.0/8'], httpRedirect: false, srunPorts });
  const id = (g: { node: { defaultChild?: unknown } }) => stack.resolve((g.node.defaultChild as any).logicalId);
  const name = new Map([sgs.portal, sgs.cluster, sgs.efs, sgs.fsx, sgs.loadBalancer, sgs.database, sgs.databaseBootstrap].map((g) => [id(g), g.node.id]));
  const t = Template.fromStack(stack);
  const list = (type: string, peerKey: string) =>
    Object.values(t.findResources(type)).map((r: any) => {
      const p = r.Properties;
      return `${name.get(p.GroupId['Fn::GetAtt'][0])} ${type.endsWith('Ingress') ? '<-' : '->'} ${name.get(p[peerKey]['Fn::GetAtt'][0])} ${p.IpProtocol}:${p.FromPort}-${p.ToPort} (${p.Description})`;
    });
  return [...list('AWS::EC2::SecurityGroupIngress', 'SourceSecurityGroupId'), ...list('AWS::EC2::SecurityGroupEgress', 'DestinationSecurityGroupId')];
}

describe('HpcSecurityGroups between portal and clusters', () => {
  it('admits only Slurm, srun callbacks, NFS and EnginFrame Enterprise, never all TCP', () => {
    const between = rules().filter((r) => /^(Portal|Cluster) (<-|->) (Portal|Cluster) /.test(r));
    expect(between.sort()).toEqual([
      "Cluster <- Portal tcp:2049-2049 (The portal's one-time copy of /opt/slurm from the head node (NFSv4))",
      'Cluster <- Portal tcp:6818-6818 (srun on the portal to the step daemons (slurmd))',
      'Cluster <- Portal tcp:6819-6829 (Slurm client commands on the portal to slurmctld/slurmdbd)',
      'Portal <- Cluster tcp:60001-63000 (slurmctld and slurmd calling back srun/salloc on the portal (SrunPortRange))',
      'Portal <- Portal tcp:7800-7800 (EnginFrame Enterprise members (cluster membership))',
    ]);
    expect(rules().filter((r) => /:0-65535|-1:/.test(r))).toEqual([]);
  });

  it('sends NFS from the EFS group back to both client groups (ParallelCluster checks egress)', () => {
    expect(rules().filter((r) => r.startsWith('Efs ->')).sort()).toEqual([
      'Efs -> Cluster tcp:2049-2049 (NFS clients (ParallelCluster checks egress too))',
      'Efs -> Portal tcp:2049-2049 (NFS clients (ParallelCluster checks egress too))',
    ]);
  });

  it('2.x clusters cannot pin SrunPortRange: the portal admits the Linux ephemeral range instead', () => {
    expect(rules(LINUX_EPHEMERAL_PORTS).filter((r) => r.startsWith('Portal <- Cluster'))).toEqual([
      'Portal <- Cluster tcp:32768-60999 (slurmctld and slurmd calling back srun/salloc on the portal (SrunPortRange))',
    ]);
  });
});
