/**
 * ParallelCluster 3.14–3.16 exactly: version-gated keys and OSes, and the offline validators ParallelCluster runs
 * (named after its validator classes). Each case fails on the validator as it was before issue #18.
 */
import { describe, expect, it } from 'vitest';
import { parseClusterSpec, validateClusterConfig, type ConfigIssue } from '../src/index.js';
import { EXAMPLES } from './fixtures/example-specs.js';
import { baseConfig } from './fixtures/base-config.js';

const q0 = 'Scheduling.SlurmQueues[0]';
const cr0 = `${q0}.ComputeResources[0]`;
const at = (issues: ConfigIssue[], path: string, severity?: 'error' | 'warning') =>
  issues.filter((i) => i.path === path && (severity === undefined || i.severity === severity));
const check = (mutate: (c: any) => void, version?: string, extra: object = {}) => {
  const c = baseConfig();
  mutate(c);
  return validateClusterConfig(c, { clusterName: 'hpcha-cluster1', ...(version ? { parallelclusterVersion: version } : {}), ...extra });
};
const loginPool = (extra: object = {}) => ({
  Name: 'login', Count: 1, InstanceType: 't3.large', Networking: { SubnetIds: ['subnet-0123456789abcdef0'] }, ...extra,
});

describe('schema drift, version-gated', () => {
  const poolKey = (c: any) => (c.LoginNodes = { Pools: [loginPool({ Ssh: { KeyName: 'pool-key' } })] });
  const keyPath = 'LoginNodes.Pools[0].Ssh.KeyName';

  it('LoginNodes.Pools[].Ssh.KeyName: accepted before 3.14, deprecated in 3.14, refused from 3.15', () => {
    expect(at(check(poolKey, '3.13.2').issues, keyPath)).toEqual([]);
    expect(at(check(poolKey, '3.14.2').issues, keyPath, 'warning')[0]!.message).toMatch(/deprecated in ParallelCluster 3\.14\.0/);
    for (const v of ['3.15.0', '3.16.3']) {
      const r = check(poolKey, v);
      expect(r.valid).toBe(false);
      expect(at(r.issues, keyPath, 'error')[0]!.message).toMatch(/no longer accepted from ParallelCluster 3\.15\.0.*HeadNode\.Ssh\.KeyName/);
    }
  });

  it('no longer suggests a pool KeyName from 3.14: the warning points at the head node key', () => {
    const noKeys = (c: any) => {
      delete c.HeadNode.Ssh;
      c.LoginNodes = { Pools: [loginPool()] };
    };
    const r = check(noKeys, '3.16.3');
    expect(r.valid).toBe(true);
    expect(at(r.issues, keyPath)).toEqual([]);
    expect(at(r.issues, 'HeadNode.Ssh.KeyName', 'warning')[0]!.message).toMatch(/login nodes of LoginNodes\.Pools\[0\] use/);
    expect(at(check(noKeys, '3.13.2').issues, keyPath, 'warning')).toHaveLength(1);
  });

  const dra = { Name: 'dra1', DataRepositoryPath: 's3://bucket/data', FileSystemPath: '/data', AutoImportPolicy: ['NEW', 'CHANGED'] };
  const managedP2 = (extra: object) => (c: any) => {
    c.SharedStorage[1].FsxLustreSettings = { StorageCapacity: 1200, DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 125, ...extra };
  };

  it('FsxLustreSettings.DataRepositoryAssociations is accepted from 3.8 on PERSISTENT_2', () => {
    expect(check(managedP2({ DataRepositoryAssociations: [dra] }))).toEqual({ valid: true, issues: [] });
    expect(at(check(managedP2({ DataRepositoryAssociations: [dra] }), '3.7.2').issues, 'SharedStorage[1].FsxLustreSettings.DataRepositoryAssociations', 'error')[0]!.message).toMatch(/needs ParallelCluster 3\.8\.0/);
  });

  it('FsxDraValidator: not with ImportPath, at most 8, and closed like the rest of the schema', () => {
    const base = 'SharedStorage[1].FsxLustreSettings';
    expect(at(check(managedP2({ DataRepositoryAssociations: [dra], ImportPath: 's3://b' })).issues, `${base}.ImportPath`, 'error')).toHaveLength(1);
    const nine = Array.from({ length: 9 }, (_, i) => ({ ...dra, Name: `d${i}`, FileSystemPath: `/d${i}` }));
    expect(at(check(managedP2({ DataRepositoryAssociations: nine })).issues, `${base}.DataRepositoryAssociations`, 'error')[0]!.message).toMatch(/at most 8/);
    expect(at(check(managedP2({ DataRepositoryAssociations: [{ ...dra, AutoExportPolicy: ['NEW', 'MOVED'] }] })).issues, `${base}.DataRepositoryAssociations[0].AutoExportPolicy[1]`, 'error')).toHaveLength(1);
    expect(at(check(managedP2({ DataRepositoryAssociations: [{ ...dra, Path: '/x' }] })).issues, `${base}.DataRepositoryAssociations[0].Path`, 'error')).toHaveLength(1);
  });

  it('LoginNodes.Pools[].Iam.S3Access is refused (login pools have no S3Access)', () => {
    const r = check((c) => (c.LoginNodes = { Pools: [loginPool({ Iam: { S3Access: [{ BucketName: 'b' }] } })] }));
    expect(r.valid).toBe(false);
    expect(at(r.issues, 'LoginNodes.Pools[0].Iam.S3Access', 'error')[0]!.message).toMatch(/unknown key "S3Access"/);
    expect(check((c) => (c.LoginNodes = { Pools: [loginPool({ Iam: { AdditionalIamPolicies: [{ Policy: 'arn:aws-cn:iam::aws:policy/X' }] } })] })).valid).toBe(true);
  });

  const batch = (c: any) => {
    c.Scheduling = {
      Scheduler: 'awsbatch',
      AwsBatchSettings: {},
      AwsBatchQueues: [{ Name: 'batch', Networking: { SubnetIds: ['subnet-0123456789abcdef0'] }, ComputeResources: [{ Name: 'cr', InstanceTypes: ['optimal'] }] }],
    };
    c.HeadNode.Imds = { Secured: false };
  };

  it('Scheduling.AwsBatchSettings exists for awsbatch, and only there', () => {
    expect(check(batch)).toEqual({ valid: true, issues: [] });
    expect(at(check((c) => (c.Scheduling.AwsBatchSettings = {})).issues, 'Scheduling.AwsBatchSettings', 'error')[0]!.message).toMatch(/only applies to Scheduler awsbatch/);
    expect(at(check((c) => { batch(c); c.Scheduling.AwsBatchSettings = { X: 1 }; }).issues, 'Scheduling.AwsBatchSettings.X', 'error')).toHaveLength(1);
  });

  it.each([
    ['alinux2023', '3.9.2', '3.10.0'],
    ['ubuntu2204', '3.6.1', '3.7.0'],
    ['rhel8', '3.5.1', '3.6.0'],
    ['rocky8', '3.7.2', '3.8.0'],
    ['rhel9', '3.8.0', '3.9.0'],
    ['ubuntu2404', '3.12.0', '3.13.0'],
  ])('Image.Os %s: refused by %s, accepted from %s', (os, before, from) => {
    const setOs = (c: any) => { c.Image.Os = os; c.Image.CustomAmi = 'ami-0123456789abcdef0'; c.SharedStorage.pop(); };
    expect(at(check(setOs, before).issues, 'Image.Os', 'error')[0]!.message).toMatch(new RegExp(`${os} needs ParallelCluster ${from.replace(/\./g, '\\.')}`));
    expect(at(check(setOs, from).issues, 'Image.Os', 'error')).toEqual([]);
  });

  it('ubuntu2004 is gone from 3.14; alinux2 is still accepted in 3.15 and 3.16, with an end-of-life warning', () => {
    expect(at(check((c) => (c.Image.Os = 'ubuntu2004'), '3.14.0').issues, 'Image.Os', 'error')).toHaveLength(1);
    for (const v of ['3.15.0', '3.16.3']) {
      const r = check((c) => (c.Image.Os = 'alinux2'), v);
      expect(r.valid).toBe(true);
      expect(at(r.issues, 'Image.Os', 'warning')[0]!.message).toMatch(/end of support/);
    }
  });
});

describe('offline validators', () => {
  it('HeadNodeImdsValidator: awsbatch refuses the default Secured (key absent), not only an explicit true', () => {
    const batch = (c: any) => {
      c.Scheduling = { Scheduler: 'awsbatch', AwsBatchQueues: [{ Name: 'batch', Networking: { SubnetIds: ['subnet-0123456789abcdef0'] }, ComputeResources: [{ Name: 'cr', InstanceTypes: ['optimal'] }] }] };
    };
    const absent = check((c) => { batch(c); delete c.HeadNode.Imds; });
    expect(absent.valid).toBe(false);
    expect(at(absent.issues, 'HeadNode.Imds.Secured', 'error')[0]!.message).toMatch(/defaults to true/);
    expect(at(check((c) => { batch(c); c.HeadNode.Imds = {}; }).issues, 'HeadNode.Imds.Secured', 'error')).toHaveLength(1);
    expect(at(check((c) => { batch(c); c.HeadNode.Imds = { Secured: false }; }).issues, 'HeadNode.Imds.Secured')).toEqual([]);
  });

  const multiSubnetEfa = (c: any) => {
    c.Scheduling.SlurmQueues[0].Networking.SubnetIds = ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'];
    c.Scheduling.SlurmQueues[0].ComputeResources[1].Efa = { Enabled: true };
  };
  const efaPath = `${q0}.ComputeResources[1].Efa.Enabled`;

  it('EfaMultiAzValidator: an error when the subnets are known to be in two AZs', () => {
    const r = check(multiSubnetEfa, undefined, { subnetAvailabilityZones: { 'subnet-0123456789abcdef0': 'cn-north-1a', 'subnet-0123456789abcdef1': 'cn-north-1b' } });
    expect(r.valid).toBe(false);
    expect(at(r.issues, efaPath, 'error')[0]!.message).toMatch(/across Availability Zones.*cn-north-1a, cn-north-1b/);
  });

  it('EfaMultiAzValidator: nothing when both subnets are known to be in one AZ, a named warning when unknown', () => {
    const same = check(multiSubnetEfa, undefined, { subnetAvailabilityZones: { 'subnet-0123456789abcdef0': 'cn-north-1a', 'subnet-0123456789abcdef1': 'cn-north-1a' } });
    expect(same).toEqual({ valid: true, issues: [] });
    const unknown = check(multiSubnetEfa);
    expect(unknown.valid).toBe(true);
    expect(at(unknown.issues, efaPath, 'warning')[0]!.message).toMatch(/^EfaMultiAzValidator \(not checkable offline\)/);
  });

  it('EfaValidator (offline part): GdrSupport needs EFA', () => {
    const r = check((c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].Efa = { GdrSupport: true }));
    expect(at(r.issues, `${cr0}.Efa.GdrSupport`, 'error')[0]!.message).toMatch(/only be used with Efa\.Enabled: true/);
  });

  it('EfsMountOptionsValidator: IamAuthorization needs EncryptionInTransit', () => {
    const r = check((c) => (c.SharedStorage[0].EfsSettings.IamAuthorization = true));
    expect(at(r.issues, 'SharedStorage[0].EfsSettings.IamAuthorization', 'error')[0]!.message).toMatch(/needs EncryptionInTransit: true/);
    expect(check((c) => Object.assign(c.SharedStorage[0].EfsSettings, { IamAuthorization: true, EncryptionInTransit: true })).valid).toBe(true);
  });

  const ebs = (settings: object) => (c: any) => c.SharedStorage.push({ Name: 'ebs', StorageType: 'Ebs', MountDir: '/ebs', EbsSettings: settings });
  it.each([
    [{ VolumeType: 'st1', Size: 100 }, /at least 500 GiB/],
    [{ VolumeType: 'gp3', Size: 20000 }, /at most 16384 GiB/],
    [{ VolumeType: 'standard', Size: 2000 }, /at most 1024 GiB/],
    [{ VolumeType: 'io1', Iops: 100, Size: 2 }, /at least 4 GiB/],
  ])('EbsVolumeTypeSizeValidator: %j', (settings, reason) => {
    expect(at(check(ebs(settings)).issues, 'SharedStorage[2].EbsSettings.Size', 'error')[0]!.message).toMatch(reason);
  });

  it('EbsVolumeThroughputIopsValidator: gp3 throughput is limited to 0.25 MiB/s per IOPS (3000 IOPS by default)', () => {
    expect(at(check(ebs({ VolumeType: 'gp3', Throughput: 1000 })).issues, 'SharedStorage[2].EbsSettings.Throughput', 'error')[0]!.message).toMatch(/with 3000 IOPS \(the gp3 default\); raise Iops to at least 4000/);
    expect(check(ebs({ VolumeType: 'gp3', Throughput: 1000, Iops: 4000 })).valid).toBe(true);
    expect(check(ebs({ VolumeType: 'gp3', Throughput: 750 })).valid).toBe(true);
    expect(at(check((c) => (c.HeadNode.LocalStorage.RootVolume.Throughput = 800)).issues, 'HeadNode.LocalStorage.RootVolume.Throughput', 'error')).toHaveLength(1);
  });

  it('CustomSlurmSettingsValidator: current deny lists', () => {
    expect(check((c) => (c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ CommunicationParameters: 'NoAddrCache' }])).valid).toBe(true);
    for (const k of ['PartitionName', 'ResumeTimeout', 'State', 'SuspendTime', 'OverSubscribe']) {
      const r = check((c) => (c.Scheduling.SlurmQueues[0].CustomSlurmSettings = { [k]: 'x' }));
      expect(at(r.issues, `${q0}.CustomSlurmSettings.${k}`, 'error'), k).toHaveLength(1);
    }
    for (const k of ['Features', 'Gres', 'Weight']) {
      const r = check((c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].CustomSlurmSettings = { [k]: 'x' }));
      expect(at(r.issues, `${cr0}.CustomSlurmSettings.${k}`, 'error'), k).toHaveLength(1);
    }
    // CustomSlurmNodeNamesValidator: -st- / -dy- belong to ParallelCluster's own nodes.
    expect(at(check((c) => (c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ NodeName: 'ext-st-[1-2]', State: 'CLOUD' }])).issues, 'Scheduling.SlurmSettings.CustomSlurmSettings[0].NodeName', 'error')[0]!.message).toMatch(/reserves for the nodes it manages/);
    // A custom node line (several keys) is not checked against the cluster list.
    expect(check((c) => (c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ NodeName: 'ext-[1-2]', State: 'CLOUD', Weight: 5, Prolog: 'x' }])).valid).toBe(true);
  });

  const longName = 'a'.repeat(45);
  const slurmdbd = (c: any) => (c.Scheduling.SlurmSettings.ExternalSlurmdbd = { Host: 'slurmdbd.example.internal' });
  it('the 40-character cluster name limit applies to ExternalSlurmdbd only from 3.16.0', () => {
    const opts = (v: string) => ({ clusterName: longName, parallelclusterVersion: v });
    const c = baseConfig();
    slurmdbd(c);
    expect(validateClusterConfig(c, opts('3.15.1')).valid).toBe(true);
    expect(at(validateClusterConfig(c, opts('3.16.0')).issues, 'ClusterName', 'error')[0]!.message).toMatch(/ExternalSlurmdbd.*at most 40/);
    const db = baseConfig();
    db.Scheduling.SlurmSettings.Database = { Uri: 'db:3306', UserName: 'u', PasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf' };
    expect(at(validateClusterConfig(db, opts('3.14.0')).issues, 'ClusterName', 'error')[0]!.message).toMatch(/Database.*at most 40/);
  });

  it('ClusterSpec.clusterName refuses upper case (Slurm lower-cases ClusterName)', () => {
    const spec = EXAMPLES[0]!.specs[0];
    expect(() => parseClusterSpec({ ...spec, clusterName: 'HpcHa-cluster1' })).toThrow(/clusterName.*lowercase/);
    expect(parseClusterSpec({ ...spec, clusterName: 'hpcha-cluster1' }).clusterName).toBe('hpcha-cluster1');
  });

  it('SlurmNodePrioritiesWarningValidator: static nodes weighing as much as dynamic ones is a warning', () => {
    const r = check((c) => {
      const [a, b] = c.Scheduling.SlurmQueues[0].ComputeResources;
      Object.assign(a, { MinCount: 2, MaxCount: 2, StaticNodePriority: 50 });
      Object.assign(b, { DynamicNodePriority: 20 });
    });
    expect(r.valid).toBe(true);
    expect(at(r.issues, `${q0}.ComputeResources`, 'warning')[0]!.message).toMatch(/static c5=50 ≥ lowest dynamic 20; dynamic c5n=20 ≤ highest static 50/);
    expect(check((c) => Object.assign(c.Scheduling.SlurmQueues[0].ComputeResources[0], { MinCount: 2 }))).toEqual({ valid: true, issues: [] });
  });

  it('PlacementGroupCapacityTypeValidator: a placement group on a capacity block is a warning', () => {
    const r = check((c) => {
      const q = c.Scheduling.SlurmQueues[0];
      q.CapacityType = 'CAPACITY_BLOCK';
      q.CapacityReservationTarget = { CapacityReservationId: 'cr-0123456789abcdef0' };
      q.ComputeResources = [{ Name: 'p5', InstanceType: 'p5.48xlarge', MinCount: 2, MaxCount: 2, Efa: { Enabled: true }, Networking: { PlacementGroup: { Enabled: true } } }];
    });
    expect(r.valid).toBe(true);
    expect(r.issues.map((i) => `${i.severity} ${i.path}`)).toEqual([`warning ${cr0}.Networking.PlacementGroup`]);
  });
});
