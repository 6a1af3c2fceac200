/** planClusterUpdate: ParallelCluster's per-key update policies applied to a change between two v3 configs. */
import { describe, expect, it } from 'vitest';
import {
  ClusterConfigSchema, planClusterUpdate, POLICY_TABLE, renderClusterConfig, UNCLASSIFIED_KEYS, type PlannedChange,
} from '../src/index.js';
import { EXAMPLES } from './fixtures/example-specs.js';

const deployed = () => structuredClone(renderClusterConfig(EXAMPLES[0]!.specs[0]).config) as any;
const plan = (mutate: (c: any) => void, opts = {}) => {
  const next = deployed();
  mutate(next);
  return planClusterUpdate(deployed(), next, opts);
};
const brief = (c: PlannedChange) => `${c.path} ${c.policy} ${c.outcome}`;

describe('planClusterUpdate', () => {
  it('finds nothing between a config and itself', () => {
    expect(planClusterUpdate(deployed(), deployed())).toEqual({ changes: [], blocked: [] });
  });

  it('names list items the way ParallelCluster does, and keeps old and new values', () => {
    const p = plan((c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount = 20));
    expect(p.changes).toEqual([
      expect.objectContaining({ path: 'Scheduling.SlurmQueues[compute].ComputeResources[c5-xlarge].MaxCount', oldValue: 10, newValue: 20, policy: 'RESIZE_UPDATE_STRATEGY_ON_REMOVE', outcome: 'live', blocked: false }),
    ]);
  });

  it('refuses what ParallelCluster never updates (UNSUPPORTED): head node type, OS, cluster tags', () => {
    const p = plan((c) => {
      c.HeadNode.InstanceType = 'm5.2xlarge';
      c.Image.Os = 'rhel9';
      c.Tags.push({ Key: 'team', Value: 'hpc' });
    });
    expect(p.blocked.map(brief)).toEqual([
      'Image.Os UNSUPPORTED refused',
      'HeadNode.InstanceType UNSUPPORTED refused',
      'Tags[team] UNSUPPORTED refused',
    ]);
    expect(p.blocked[0]!.reason).toMatch(/restore the old value or create a new cluster/);
  });

  it('shrinking a compute resource needs the fleet stopped, unless QueueUpdateStrategy is TERMINATE', () => {
    const shrink = (c: any) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount = 4);
    expect(plan(shrink).blocked.map(brief)).toEqual(['Scheduling.SlurmQueues[compute].ComputeResources[c5-xlarge].MaxCount RESIZE_UPDATE_STRATEGY_ON_REMOVE needs-compute-stop']);
    const terminate = plan((c) => { shrink(c); c.Scheduling.SlurmSettings.QueueUpdateStrategy = 'TERMINATE'; });
    expect(terminate.blocked).toEqual([]);
    expect(terminate.changes.map(brief)).toContain('Scheduling.SlurmSettings.QueueUpdateStrategy IGNORED ignored');
  });

  it('COMPUTE_FLEET_STOP keys are refused while the fleet runs (the custom resource never stops it) and pass once it is stopped', () => {
    const idle = (c: any) => (c.Scheduling.SlurmSettings.ScaledownIdletime = 30);
    const running = plan(idle);
    expect(running.blocked.map(brief)).toEqual(['Scheduling.SlurmSettings.ScaledownIdletime COMPUTE_FLEET_STOP needs-compute-stop']);
    expect(running.blocked[0]!.reason).toMatch(/update-compute-fleet --status STOP_REQUESTED/);
    expect(plan(idle, { computeFleetStopped: true }).blocked).toEqual([]);
  });

  it('queues and compute resources may be added live; removing one needs the fleet stopped', () => {
    const added = plan((c) => c.Scheduling.SlurmQueues.push({ ...structuredClone(c.Scheduling.SlurmQueues[0]), Name: 'gpu' }));
    expect(added.changes.map(brief)).toEqual(['Scheduling.SlurmQueues[gpu] RESIZE_UPDATE_STRATEGY_ON_REMOVE live']);
    const removed = plan((c) => c.Scheduling.SlurmQueues[0].ComputeResources.pop());
    expect(removed.blocked).toHaveLength(1);
    expect(removed.blocked[0]!.oldValue).toMatchObject({ Name: expect.any(String) });
  });

  it('queue settings follow QueueUpdateStrategy (QUEUE_UPDATE_STRATEGY)', () => {
    const root = (c: any) => (c.Scheduling.SlurmQueues[0].ComputeSettings.LocalStorage.RootVolume.Size = 100);
    expect(plan(root).blocked.map((c) => c.policy)).toEqual(['QUEUE_UPDATE_STRATEGY']);
    expect(plan((c) => { root(c); c.Scheduling.SlurmSettings.QueueUpdateStrategy = 'DRAIN'; }).blocked).toEqual([]);
  });

  it('SharedStorage: an existing file system mounts live, a new EBS volume needs the fleet stopped, /home never changes', () => {
    const efs = plan((c) => c.SharedStorage.push({ Name: 'apps', StorageType: 'Efs', MountDir: '/apps', EfsSettings: { FileSystemId: 'fs-0123456789abcdef0' } }));
    expect(efs.changes.map(brief)).toEqual(['SharedStorage[apps] SHARED_STORAGE_UPDATE_POLICY live']);
    const ebs = plan((c) => c.SharedStorage.push({ Name: 'scratch', StorageType: 'Ebs', MountDir: '/scratch', EbsSettings: { Size: 100 } }));
    expect(ebs.blocked.map(brief)).toEqual(['SharedStorage[scratch] SHARED_STORAGE_UPDATE_POLICY needs-compute-stop']);
    const home = plan((c) => c.SharedStorage.push({ Name: 'home', StorageType: 'Efs', MountDir: '/home', EfsSettings: { FileSystemId: 'fs-0123456789abcdef1' } }));
    expect(home.blocked.map(brief)).toEqual(['SharedStorage[home] SHARED_STORAGE_UPDATE_POLICY refused']);
  });

  it('queue subnets cannot change while a managed FSx for Lustre file system stays (MANAGED_FSX)', () => {
    const managed = (c: any) => c.SharedStorage.push({ Name: 'scratchfsx', StorageType: 'FsxLustre', MountDir: '/scratchfsx', FsxLustreSettings: { StorageCapacity: 1200 } });
    const move = (c: any) => (c.Scheduling.SlurmQueues[0].Networking.SubnetIds = ['subnet-0a1b2c3d4e5f60002']);
    const next = deployed();
    managed(next);
    move(next);
    const base = deployed();
    managed(base);
    const p = planClusterUpdate(base, next);
    expect(p.blocked.map(brief)).toEqual(['Scheduling.SlurmQueues[compute].Networking.SubnetIds MANAGED_FSX refused']);
    expect(p.blocked[0]!.reason).toMatch(/scratchfsx/);
  });

  it('live keys: CustomSlurmSettings, head-node security groups, S3 access, OnNodeUpdated', () => {
    const p = plan((c) => {
      c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ MaxJobCount: 20000 }];
      c.HeadNode.Networking.AdditionalSecurityGroups.push('sg-0a1b2c3d4e5f60099');
      c.HeadNode.Iam.S3Access.push({ BucketName: 'more-data' });
      c.HeadNode.CustomActions.OnNodeUpdated = { Script: 's3://b/updated.sh' };
    });
    expect(p.blocked).toEqual([]);
    expect(p.changes.map(brief).sort()).toEqual([
      'HeadNode.CustomActions.OnNodeUpdated SUPPORTED live',
      'HeadNode.Iam.S3Access[more-data] SUPPORTED live',
      'HeadNode.Networking.AdditionalSecurityGroups SUPPORTED live',
      'Scheduling.SlurmSettings.CustomSlurmSettings SUPPORTED live',
    ]);
  });

  it('the munge key needs compute and login nodes stopped', () => {
    const p = plan((c) => {
      c.Scheduling.SlurmSettings.MungeKeySecretArn = 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:other-AbCdEf';
    }, {});
    expect(p.blocked.map(brief)).toEqual(['Scheduling.SlurmSettings.MungeKeySecretArn COMPUTE_AND_LOGIN_NODES_STOP needs-compute-stop']);
  });

  it('a key newer than the classification is reported as UNCLASSIFIED, not guessed, and does not block', () => {
    const p = plan((c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].LaunchTemplateOverrides = { LaunchTemplateId: 'lt-0123456789abcdef0', Version: 1 }));
    expect(p.changes.map(brief)).toEqual(['Scheduling.SlurmQueues[compute].ComputeResources[c5-xlarge].LaunchTemplateOverrides UNCLASSIFIED unclassified']);
    expect(p.blocked).toEqual([]);
  });

  it('deploy-time values (CloudFormation intrinsics) compare as values', () => {
    const base = deployed();
    base.HeadNode.Networking.SubnetId = { 'Fn::ImportValue': 'hpcha-VPC:PrivateSubnet1' };
    const same = structuredClone(base);
    expect(planClusterUpdate(base, same).changes).toEqual([]);
    same.HeadNode.Networking.SubnetId = { 'Fn::ImportValue': 'hpcha-VPC:PrivateSubnet2' };
    expect(planClusterUpdate(base, same).blocked.map(brief)).toEqual(['HeadNode.Networking.SubnetId UNSUPPORTED refused']);
  });
});

describe('the policy table', () => {
  it('carries ParallelCluster\'s classification of well-known keys', () => {
    expect(POLICY_TABLE['HeadNode.InstanceType']![0]).toBe('UNSUPPORTED');
    expect(POLICY_TABLE['Scheduling.SlurmSettings.ScaledownIdletime']![0]).toBe('COMPUTE_FLEET_STOP');
    expect(POLICY_TABLE['Scheduling.SlurmSettings.MungeKeySecretArn']![0]).toBe('COMPUTE_AND_LOGIN_NODES_STOP');
    expect(POLICY_TABLE['Scheduling.SlurmQueues[].Networking.SubnetIds']![0]).toBe('MANAGED_FSX');
    expect(POLICY_TABLE['Scheduling.SlurmQueues[]']).toEqual(['RESIZE_UPDATE_STRATEGY_ON_REMOVE', 'list', 'Name']);
    expect(POLICY_TABLE['SharedStorage[].FsxLustreSettings.DataRepositoryAssociations[]']).toEqual(['SUPPORTED', 'list', 'Name']);
    expect(POLICY_TABLE['CustomS3Bucket']![0]).toBe('READ_ONLY_RESOURCE_BUCKET');
  });

  it('classifies every key of the schema, except keys under a whole-value entry and the listed newer keys', () => {
    const missing: string[] = [];
    const walk = (s: any, path: string, underLeaf: boolean) => {
      for (const [k, v] of Object.entries<any>(s.properties ?? {})) {
        const isList = v.type === 'array' && v.items?.properties;
        const p = `${path ? `${path}.` : ''}${k}${isList ? '[]' : ''}`;
        const entry = POLICY_TABLE[p];
        if (!entry && !underLeaf && !UNCLASSIFIED_KEYS.some((u) => p.startsWith(u))) missing.push(p);
        walk(isList ? v.items : v, p, underLeaf || entry?.[1] === 'leaf');
      }
    };
    walk(ClusterConfigSchema, '', false);
    expect(missing).toEqual([]);
  });
});
