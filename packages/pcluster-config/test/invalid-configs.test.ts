import { describe, expect, it } from 'vitest';
import { validateClusterConfig } from '../src/index.js';
import { baseConfig } from './fixtures/base-config.js';

type Mutation = (c: any) => void;
interface Case {
  name: string;
  mutate: Mutation;
  path: string;
  reason: RegExp;
  clusterName?: string;
}

const q0 = 'Scheduling.SlurmQueues[0]';
const cr0 = `${q0}.ComputeResources[0]`;
const queue = (name: string, extra: object = {}) => ({
  Name: name,
  Networking: { SubnetIds: ['subnet-0123456789abcdef0'] },
  ComputeResources: [{ Name: 'cr', InstanceType: 'c5.large' }],
  ...extra,
});
const managedFsx = (settings: object) => (c: any) => {
  c.SharedStorage[1].FsxLustreSettings = settings;
};
const awsbatch = (c: any) => {
  c.Scheduling = {
    Scheduler: 'awsbatch',
    AwsBatchQueues: [
      {
        Name: 'batch',
        Networking: { SubnetIds: ['subnet-0123456789abcdef0'] },
        ComputeResources: [{ Name: 'cr', InstanceTypes: ['optimal'] }],
      },
    ],
  };
  delete c.HeadNode.Imds;
};

const CASES: Case[] = [
  // --- unknown keys, at every level ---
  { name: 'unknown top-level key', mutate: (c) => (c.Foo = 1), path: 'Foo', reason: /unknown key "Foo"/ },
  { name: 'misspelt head node key', mutate: (c) => { c.HeadNode.InstanceTyp = c.HeadNode.InstanceType; delete c.HeadNode.InstanceType; }, path: 'HeadNode.InstanceTyp', reason: /Did you mean "InstanceType"/ },
  { name: 'unknown compute resource key', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].Cores = 4), path: `${cr0}.Cores`, reason: /unknown key "Cores"/ },
  { name: 'unknown EfsSettings key', mutate: (c) => (c.SharedStorage[0].EfsSettings.MountOptions = 'tls'), path: 'SharedStorage[0].EfsSettings.MountOptions', reason: /unknown key/ },
  { name: 'unknown SlurmSettings key', mutate: (c) => (c.Scheduling.SlurmSettings.MungeKey = 'x'), path: 'Scheduling.SlurmSettings.MungeKey', reason: /Did you mean "MungeKeySecretArn"|unknown key/ },
  { name: 'unknown login pool key', mutate: (c) => (c.LoginNodes = { Pools: [{ Name: 'login', Count: 1, InstanceType: 't3.large', Networking: { SubnetIds: ['subnet-0123456789abcdef0'] }, Size: 2 }] }), path: 'LoginNodes.Pools[0].Size', reason: /unknown key "Size"/ },
  { name: 'unknown CloudWatch log key', mutate: (c) => (c.Monitoring = { Logs: { CloudWatch: { Retention: 7 } } }), path: 'Monitoring.Logs.CloudWatch.Retention', reason: /Did you mean "RetentionInDays"/ },
  { name: 'unknown DevSettings timeout', mutate: (c) => (c.DevSettings = { Timeouts: { HeadNodeTimeout: 10 } }), path: 'DevSettings.Timeouts.HeadNodeTimeout', reason: /unknown key/ },
  { name: 'OnNodeUpdated is head-node only', mutate: (c) => (c.Scheduling.SlurmQueues[0].CustomActions.OnNodeUpdated = { Script: 's3://b/u.sh' }), path: `${q0}.CustomActions.OnNodeUpdated`, reason: /unknown key "OnNodeUpdated"/ },
  { name: 'v2-style key in v3', mutate: (c) => (c.HeadNode.MasterInstanceType = 'm5.large'), path: 'HeadNode.MasterInstanceType', reason: /unknown key/ },
  // --- required keys and types ---
  { name: 'Image missing', mutate: (c) => delete c.Image, path: 'Image', reason: /required key "Image" is missing/ },
  { name: 'head node subnet missing', mutate: (c) => delete c.HeadNode.Networking.SubnetId, path: 'HeadNode.Networking.SubnetId', reason: /required key "SubnetId"/ },
  { name: 'Scheduler missing', mutate: (c) => delete c.Scheduling.Scheduler, path: 'Scheduling.Scheduler', reason: /required key "Scheduler"/ },
  { name: 'queue Networking missing', mutate: (c) => delete c.Scheduling.SlurmQueues[0].Networking, path: `${q0}.Networking`, reason: /required key "Networking"/ },
  { name: 'MaxCount as string', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount = '10'), path: `${cr0}.MaxCount`, reason: /must be an integer, got "10"/ },
  { name: 'Imds.Secured as string', mutate: (c) => (c.HeadNode.Imds.Secured = 'true'), path: 'HeadNode.Imds.Secured', reason: /must be true or false/ },
  { name: 'SharedStorage as mapping', mutate: (c) => (c.SharedStorage = { Name: 'efs' }), path: 'SharedStorage', reason: /must be a list/ },
  { name: 'empty SlurmQueues', mutate: (c) => (c.Scheduling.SlurmQueues = []), path: 'Scheduling.SlurmQueues', reason: /at least 1 item/ },
  { name: 'empty ComputeResources', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources = []), path: `${q0}.ComputeResources`, reason: /at least 1 item/ },
  { name: 'Dcv without Enabled', mutate: (c) => (c.HeadNode.Dcv = { Port: 8443 }), path: 'HeadNode.Dcv.Enabled', reason: /required key "Enabled"/ },
  // --- enums and patterns ---
  { name: 'unsupported OS', mutate: (c) => (c.Image.Os = 'centos7'), path: 'Image.Os', reason: /"centos7" is not allowed; use one of: alinux2, alinux2023/ },
  { name: 'OS removed in 3.14', mutate: (c) => (c.Image.Os = 'ubuntu2004'), path: 'Image.Os', reason: /ubuntu2004 was removed in ParallelCluster 3.14.0; 3.16.3 does not support it/ },
  { name: 'malformed subnet id', mutate: (c) => (c.HeadNode.Networking.SubnetId = 'subnet-123'), path: 'HeadNode.Networking.SubnetId', reason: /is not a subnet id/ },
  { name: 'malformed security group id', mutate: (c) => (c.HeadNode.Networking.AdditionalSecurityGroups = ['sg-XYZ']), path: 'HeadNode.Networking.AdditionalSecurityGroups[0]', reason: /is not a security group id/ },
  { name: 'malformed EFS id', mutate: (c) => (c.SharedStorage[0].EfsSettings.FileSystemId = 'efs-123'), path: 'SharedStorage[0].EfsSettings.FileSystemId', reason: /is not a file system id/ },
  { name: 'short FSx id', mutate: (c) => (c.SharedStorage[1].FsxLustreSettings.FileSystemId = 'fs-12345678'), path: 'SharedStorage[1].FsxLustreSettings.FileSystemId', reason: /exactly 17/ },
  { name: 'munge key not an ARN', mutate: (c) => (c.Scheduling.SlurmSettings.MungeKeySecretArn = 'munge-key'), path: 'Scheduling.SlurmSettings.MungeKeySecretArn', reason: /Secrets Manager secret ARN/ },
  { name: 'role ARN where a policy is expected', mutate: (c) => (c.HeadNode.Iam.AdditionalIamPolicies[0].Policy = 'arn:aws-cn:iam::123456789012:role/x'), path: 'HeadNode.Iam.AdditionalIamPolicies[0].Policy', reason: /IAM policy ARN/ },
  { name: 'custom action over ftp', mutate: (c) => (c.HeadNode.CustomActions.OnNodeConfigured.Script = 'ftp://host/x.sh'), path: 'HeadNode.CustomActions.OnNodeConfigured.Script', reason: /s3:\/\/ or https:\/\// },
  { name: 'negative MinCount', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].MinCount = -1), path: `${cr0}.MinCount`, reason: /at least 0/ },
  { name: 'zero MaxCount', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount = 0), path: `${cr0}.MaxCount`, reason: /at least 1/ },
  { name: 'unknown CapacityType', mutate: (c) => (c.Scheduling.SlurmQueues[0].CapacityType = 'RESERVED'), path: `${q0}.CapacityType`, reason: /use one of: ONDEMAND, SPOT, CAPACITY_BLOCK/ },
  { name: 'unknown QueueUpdateStrategy', mutate: (c) => (c.Scheduling.SlurmSettings.QueueUpdateStrategy = 'RESTART'), path: 'Scheduling.SlurmSettings.QueueUpdateStrategy', reason: /not allowed/ },
  { name: 'ScaledownIdletime below -1', mutate: (c) => (c.Scheduling.SlurmSettings.ScaledownIdletime = -2), path: 'Scheduling.SlurmSettings.ScaledownIdletime', reason: /at least -1/ },
  { name: 'log retention not a CloudWatch value', mutate: (c) => (c.Monitoring = { Logs: { CloudWatch: { RetentionInDays: 10 } } }), path: 'Monitoring.Logs.CloudWatch.RetentionInDays', reason: /10 is not allowed; use one of: 0, 1, 3/ },
  { name: 'unknown volume type', mutate: (c) => (c.HeadNode.LocalStorage.RootVolume.VolumeType = 'gp4'), path: 'HeadNode.LocalStorage.RootVolume.VolumeType', reason: /not allowed/ },
  { name: 'unknown StorageType', mutate: (c) => (c.SharedStorage[0].StorageType = 'Nfs'), path: 'SharedStorage[0].StorageType', reason: /use one of: Ebs, Efs, FsxLustre/ },
  { name: 'dot segment in MountDir', mutate: (c) => (c.SharedStorage[0].MountDir = '/efs/.hidden'), path: 'SharedStorage[0].MountDir', reason: /is not an absolute directory/ },
  { name: 'login pool with two subnets', mutate: (c) => (c.LoginNodes = { Pools: [{ Name: 'login', Count: 1, InstanceType: 't3.large', Networking: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] } }] }), path: 'LoginNodes.Pools[0].Networking.SubnetIds', reason: /at most 1 item/ },
  { name: 'tag key too long', mutate: (c) => (c.Tags[0].Key = 'k'.repeat(129)), path: 'Tags[0].Key', reason: /at most 128 characters/ },
  { name: 'SSH AllowedIps not a CIDR', mutate: (c) => (c.HeadNode.Ssh.AllowedIps = 'anywhere'), path: 'HeadNode.Ssh.AllowedIps', reason: /IPv4 CIDR/ },
  { name: 'six Lambda security groups', mutate: (c) => (c.DeploymentSettings = { LambdaFunctionsVpcConfig: { SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0123456789abcdef${i}`) } }), path: 'DeploymentSettings.LambdaFunctionsVpcConfig.SecurityGroupIds', reason: /at most 5/ },
  { name: 'Region not a region', mutate: (c) => (c.Region = 'china'), path: 'Region', reason: /AWS region name/ },
  // --- names ---
  { name: 'uppercase queue name', mutate: (c) => (c.Scheduling.SlurmQueues[0].Name = 'Compute'), path: `${q0}.Name`, reason: /not a valid queue name/ },
  { name: 'queue named default', mutate: (c) => (c.Scheduling.SlurmQueues[0].Name = 'default'), path: `${q0}.Name`, reason: /"default" is reserved/ },
  { name: 'queue name of 26 characters', mutate: (c) => (c.Scheduling.SlurmQueues[0].Name = 'q'.repeat(26)), path: `${q0}.Name`, reason: /at most 25/ },
  { name: 'duplicate queue names', mutate: (c) => (c.Scheduling.SlurmQueues[1].Name = 'compute'), path: 'Scheduling.SlurmQueues[1].Name', reason: /duplicate queue name "compute"/ },
  { name: 'duplicate compute resource names', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[1].Name = 'c5'), path: `${q0}.ComputeResources[1].Name`, reason: /duplicate compute resource name/ },
  { name: 'underscore in compute resource name', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].Name = 'c5_large'), path: `${cr0}.Name`, reason: /not a valid compute resource name/ },
  { name: 'storage named default', mutate: (c) => (c.SharedStorage[0].Name = 'default'), path: 'SharedStorage[0].Name', reason: /"default" is reserved/ },
  { name: 'storage name of 31 characters', mutate: (c) => (c.SharedStorage[0].Name = 's'.repeat(31)), path: 'SharedStorage[0].Name', reason: /at most 30/ },
  { name: 'duplicate storage names', mutate: (c) => (c.SharedStorage[1].Name = 'efs'), path: 'SharedStorage[1].Name', reason: /duplicate shared storage name "efs"/ },
  { name: 'cluster name of 41 characters with Database', mutate: (c) => (c.Scheduling.SlurmSettings.Database = { Uri: 'db.example:3306', UserName: 'slurm', PasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf' }), path: 'ClusterName', reason: /at most 40 \(Slurm accounting/, clusterName: 'c'.repeat(41) },
  { name: 'cluster name of 41 characters with ExternalSlurmdbd', mutate: (c) => (c.Scheduling.SlurmSettings.ExternalSlurmdbd = { Host: '10.0.0.5' }), path: 'ClusterName', reason: /with Scheduling.SlurmSettings.ExternalSlurmdbd set the cluster name must be at most 40/, clusterName: 'c'.repeat(41) },
  { name: 'cluster name of 61 characters', mutate: () => undefined, path: 'ClusterName', reason: /at most 60/, clusterName: 'c'.repeat(61) },
  { name: 'cluster name starting with a digit', mutate: () => undefined, path: 'ClusterName', reason: /not a valid cluster name/, clusterName: '1cluster' },
  // --- counts ---
  { name: '51 queues', mutate: (c) => (c.Scheduling.SlurmQueues = Array.from({ length: 51 }, (_, i) => queue(`q${i}`))), path: 'Scheduling.SlurmQueues', reason: /51 queues defined; a cluster can have at most 50/ },
  { name: '51 compute resources in one queue', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources = Array.from({ length: 51 }, (_, i) => ({ Name: `cr${i}`, InstanceType: 'c5.large' }))), path: `${q0}.ComputeResources`, reason: /a queue can have at most 50/ },
  { name: '51 compute resources across queues', mutate: (c) => (c.Scheduling.SlurmQueues = Array.from({ length: 3 }, (_, i) => queue(`q${i}`, { ComputeResources: Array.from({ length: 17 }, (_, j) => ({ Name: `cr${j}`, InstanceType: 'c5.large' })) }))), path: 'Scheduling.SlurmQueues', reason: /51 compute resources across all queues/ },
  { name: 'six EBS volumes', mutate: (c) => c.SharedStorage.push(...Array.from({ length: 6 }, (_, i) => ({ Name: `ebs${i}`, StorageType: 'Ebs', MountDir: `/ebs${i}` }))), path: 'SharedStorage', reason: /6 Ebs shared storages defined; at most 5/ },
  { name: 'two new EFS file systems', mutate: (c) => c.SharedStorage.push({ Name: 'e1', StorageType: 'Efs', MountDir: '/e1' }, { Name: 'e2', StorageType: 'Efs', MountDir: '/e2' }), path: 'SharedStorage', reason: /2 new \(managed\) Efs file systems defined; at most 1/ },
  // --- compute resources ---
  { name: 'MinCount above MaxCount', mutate: (c) => Object.assign(c.Scheduling.SlurmQueues[0].ComputeResources[0], { MinCount: 5, MaxCount: 2 }), path: `${cr0}.MinCount`, reason: /MinCount \(5\) must not exceed MaxCount \(2\)/ },
  { name: 'MinCount above the default MaxCount', mutate: (c) => (c.Scheduling.SlurmQueues[1].ComputeResources[0].MinCount = 11), path: 'Scheduling.SlurmQueues[1].ComputeResources[0].MinCount', reason: /MaxCount \(10, the default\)/ },
  { name: 'InstanceType and Instances', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].Instances = [{ InstanceType: 'c5.2xlarge' }]), path: `${cr0}.Instances`, reason: /cannot both be set/ },
  { name: 'no instance type at all', mutate: (c) => delete c.Scheduling.SlurmQueues[0].ComputeResources[0].InstanceType, path: `${cr0}.InstanceType`, reason: /needs InstanceType, Instances/ },
  { name: 'instance type listed twice', mutate: (c) => { const cr = c.Scheduling.SlurmQueues[0].ComputeResources[0]; delete cr.InstanceType; cr.Instances = [{ InstanceType: 'c5.large' }, { InstanceType: 'c5.large' }]; }, path: `${cr0}.Instances[1].InstanceType`, reason: /listed twice/ },
  { name: 'EFA without placement group', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[1].Efa = { Enabled: true }), path: `${q0}.ComputeResources[1].Efa.Enabled`, reason: /no placement group is configured/ },
  { name: 'placement group in a multi-subnet queue', mutate: (c) => Object.assign(c.Scheduling.SlurmQueues[0].Networking, { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], PlacementGroup: { Enabled: true } }), path: `${q0}.Networking.PlacementGroup`, reason: /one Availability Zone/ },
  { name: 'PlacementGroup Id and Name', mutate: (c) => (c.Scheduling.SlurmQueues[0].Networking.PlacementGroup = { Id: 'pg1', Name: 'pg1' }), path: `${q0}.Networking.PlacementGroup.Id`, reason: /Id and Name cannot both be set/ },
  { name: 'CAPACITY_BLOCK with dynamic nodes', mutate: (c) => Object.assign(c.Scheduling.SlurmQueues[1], { CapacityType: 'CAPACITY_BLOCK', CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' } }), path: 'Scheduling.SlurmQueues[1].ComputeResources[0].MinCount', reason: /MinCount = MaxCount > 0/ },
  { name: 'spot-only allocation strategy on demand', mutate: (c) => (c.Scheduling.SlurmQueues[0].AllocationStrategy = 'capacity-optimized'), path: `${q0}.AllocationStrategy`, reason: /only applies to CapacityType SPOT/ },
  { name: 'subnet listed twice', mutate: (c) => c.Scheduling.SlurmQueues[0].Networking.SubnetIds.push('subnet-0123456789abcdef0'), path: `${q0}.Networking.SubnetIds[1]`, reason: /listed twice/ },
  // --- storage ---
  { name: 'new FSx in a multi-subnet queue', mutate: (c) => { managedFsx({ StorageCapacity: 1200, DeploymentType: 'SCRATCH_2' })(c); c.Scheduling.SlurmQueues[0].Networking.SubnetIds.push('subnet-0123456789abcdef1'); }, path: `${q0}.Networking.SubnetIds`, reason: /new FSx for Lustre file system .* cannot serve a queue spread over several subnets/ },
  { name: 'reserved mount directory', mutate: (c) => (c.SharedStorage[0].MountDir = '/opt/slurm'), path: 'SharedStorage[0].MountDir', reason: /reserved system or ParallelCluster directory/ },
  { name: 'reserved mount directory without slash', mutate: (c) => (c.SharedStorage[0].MountDir = 'home/../var'), path: 'SharedStorage[0].MountDir', reason: /not an absolute directory/ },
  { name: 'duplicate mount directory', mutate: (c) => (c.SharedStorage[1].MountDir = 'efs'), path: 'SharedStorage[1].MountDir', reason: /already used by SharedStorage\[0\]\.MountDir/ },
  { name: 'nested mount directories', mutate: (c) => (c.SharedStorage[1].MountDir = '/efs/fsx'), path: 'SharedStorage[1].MountDir', reason: /\/efs\/fsx lies inside \/efs/ },
  { name: 'NONE as mount directory', mutate: (c) => (c.SharedStorage[0].MountDir = 'NONE'), path: 'SharedStorage[0].MountDir', reason: /cannot be used as a mount directory/ },
  { name: 'same file system twice', mutate: (c) => c.SharedStorage.push({ Name: 'efs2', StorageType: 'Efs', MountDir: '/efs2', EfsSettings: { FileSystemId: 'fs-0123456789abcdef0' } }), path: 'SharedStorage[2].EfsSettings.FileSystemId', reason: /already mounted by SharedStorage\[0\]/ },
  { name: 'settings block of another type', mutate: (c) => (c.SharedStorage[0].FsxLustreSettings = { FileSystemId: 'fs-0123456789abcdef9' }), path: 'SharedStorage[0].FsxLustreSettings', reason: /does not belong to StorageType Efs; use EfsSettings/ },
  { name: 'FSx id with other settings', mutate: (c) => (c.SharedStorage[1].FsxLustreSettings.StorageCapacity = 1200), path: 'SharedStorage[1].FsxLustreSettings.StorageCapacity', reason: /cannot be set together with FileSystemId/ },
  { name: 'EFS id with managed-only setting', mutate: (c) => (c.SharedStorage[0].EfsSettings.PerformanceMode = 'maxIO'), path: 'SharedStorage[0].EfsSettings.PerformanceMode', reason: /only applies when ParallelCluster creates the file system/ },
  { name: 'PERSISTENT_2 with a PERSISTENT_1 throughput', mutate: managedFsx({ StorageCapacity: 1200, DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 200 }), path: 'SharedStorage[1].FsxLustreSettings.PerUnitStorageThroughput', reason: /use one of 125, 250, 500, 1000/ },
  { name: 'PERSISTENT_1 without throughput', mutate: managedFsx({ StorageCapacity: 1200, DeploymentType: 'PERSISTENT_1' }), path: 'SharedStorage[1].FsxLustreSettings.PerUnitStorageThroughput', reason: /needs PerUnitStorageThroughput, one of 50, 100, 200/ },
  { name: 'SCRATCH_2 with throughput', mutate: managedFsx({ StorageCapacity: 1200, DeploymentType: 'SCRATCH_2', PerUnitStorageThroughput: 125 }), path: 'SharedStorage[1].FsxLustreSettings.PerUnitStorageThroughput', reason: /does not apply to SCRATCH_2/ },
  { name: 'HDD with PERSISTENT_2', mutate: managedFsx({ StorageCapacity: 6000, DeploymentType: 'PERSISTENT_2', StorageType: 'HDD', PerUnitStorageThroughput: 12 }), path: 'SharedStorage[1].FsxLustreSettings.StorageType', reason: /HDD needs DeploymentType PERSISTENT_1/ },
  { name: 'FSx capacity not a valid size', mutate: managedFsx({ StorageCapacity: 1300, DeploymentType: 'SCRATCH_2' }), path: 'SharedStorage[1].FsxLustreSettings.StorageCapacity', reason: /1300 GiB is not valid for SCRATCH_2/ },
  { name: 'new FSx without capacity', mutate: managedFsx({ DeploymentType: 'SCRATCH_2' }), path: 'SharedStorage[1].FsxLustreSettings.StorageCapacity', reason: /needs StorageCapacity/ },
  { name: 'backups on a scratch file system', mutate: managedFsx({ StorageCapacity: 1200, DeploymentType: 'SCRATCH_1', AutomaticBackupRetentionDays: 7 }), path: 'SharedStorage[1].FsxLustreSettings.AutomaticBackupRetentionDays', reason: /needs a PERSISTENT deployment type/ },
  { name: 'provisioned EFS without throughput', mutate: (c) => c.SharedStorage.push({ Name: 'new-efs', StorageType: 'Efs', MountDir: '/new', EfsSettings: { ThroughputMode: 'provisioned' } }), path: 'SharedStorage[2].EfsSettings.ProvisionedThroughput', reason: /needs ProvisionedThroughput/ },
  { name: 'EFS access point without TLS', mutate: (c) => (c.SharedStorage[0].EfsSettings.AccessPointId = 'fsap-0123456789abcdef0'), path: 'SharedStorage[0].EfsSettings.EncryptionInTransit', reason: /needs EncryptionInTransit: true/ },
  { name: 'FileCache on /home', mutate: (c) => c.SharedStorage.push({ Name: 'cache', StorageType: 'FileCache', MountDir: '/home', FileCacheSettings: { FileCacheId: 'fc-0123456789abcdef0' } }), path: 'SharedStorage[2].MountDir', reason: /FileCache cannot be mounted on \/home/ },
  { name: 'FsxOntap without its volume', mutate: (c) => c.SharedStorage.push({ Name: 'ontap', StorageType: 'FsxOntap', MountDir: '/ontap' }), path: 'SharedStorage[2].FsxOntapSettings', reason: /needs FsxOntapSettings/ },
  // --- Slurm ---
  { name: 'ExternalSlurmdbd without munge key', mutate: (c) => { c.Scheduling.SlurmSettings.ExternalSlurmdbd = { Host: '10.0.0.5' }; delete c.Scheduling.SlurmSettings.MungeKeySecretArn; }, path: 'Scheduling.SlurmSettings.MungeKeySecretArn', reason: /ExternalSlurmdbd needs MungeKeySecretArn/ },
  { name: 'Database and ExternalSlurmdbd', mutate: (c) => Object.assign(c.Scheduling.SlurmSettings, { ExternalSlurmdbd: { Host: '10.0.0.5' }, Database: { Uri: 'db:3306', UserName: 'u', PasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db-AbCdEf' } }), path: 'Scheduling.SlurmSettings.ExternalSlurmdbd', reason: /cannot both be set/ },
  { name: 'CustomSlurmSettings overrides SlurmctldHost', mutate: (c) => (c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ SlurmctldHost: 'x' }]), path: 'Scheduling.SlurmSettings.CustomSlurmSettings[0].SlurmctldHost', reason: /managed by ParallelCluster/ },
  { name: 'queue CustomSlurmSettings sets Nodes', mutate: (c) => (c.Scheduling.SlurmQueues[0].CustomSlurmSettings = { Nodes: 'x' }), path: `${q0}.CustomSlurmSettings.Nodes`, reason: /managed by ParallelCluster and cannot be set in queue/ },
  { name: 'compute resource CustomSlurmSettings sets NodeName', mutate: (c) => (c.Scheduling.SlurmQueues[0].ComputeResources[0].CustomSlurmSettings = { NodeName: 'x' }), path: `${cr0}.CustomSlurmSettings.NodeName`, reason: /cannot be set in compute resource/ },
  { name: 'CustomSlurmSettings and an include file', mutate: (c) => Object.assign(c.Scheduling.SlurmSettings, { CustomSlurmSettings: [{ MaxJobCount: 1000 }], CustomSlurmSettingsIncludeFile: 's3://b/slurm.conf' }), path: 'Scheduling.SlurmSettings.CustomSlurmSettingsIncludeFile', reason: /cannot both be set/ },
  { name: 'slurm without queues', mutate: (c) => delete c.Scheduling.SlurmQueues, path: 'Scheduling.SlurmQueues', reason: /Scheduler slurm needs SlurmQueues/ },
  // --- scheduler / OS / IMDS ---
  { name: 'awsbatch on rhel9', mutate: (c) => { awsbatch(c); c.Image.Os = 'rhel9'; }, path: 'Image.Os', reason: /awsbatch only runs on alinux2 or alinux2023/ },
  { name: 'awsbatch with SlurmQueues', mutate: (c) => { const queues = c.Scheduling.SlurmQueues; awsbatch(c); c.Scheduling.SlurmQueues = queues; }, path: 'Scheduling.SlurmQueues', reason: /only applies to Scheduler slurm/ },
  { name: 'secured IMDS with awsbatch', mutate: (c) => { awsbatch(c); c.HeadNode.Imds = { Secured: true }; }, path: 'HeadNode.Imds.Secured', reason: /only supported with Scheduler slurm/ },
  { name: 'login nodes with awsbatch', mutate: (c) => { awsbatch(c); c.LoginNodes = { Pools: [{ Name: 'login', Count: 1, InstanceType: 't3.large', Networking: { SubnetIds: ['subnet-0123456789abcdef0'] } }] }; }, path: 'LoginNodes', reason: /only supported with Scheduler slurm/ },
  // --- node settings ---
  { name: 'custom action with Script and Sequence', mutate: (c) => (c.HeadNode.CustomActions.OnNodeConfigured.Sequence = [{ Script: 's3://b/2.sh' }]), path: 'HeadNode.CustomActions.OnNodeConfigured.Sequence', reason: /Script and Sequence cannot both be set/ },
  { name: 'custom action without a script', mutate: (c) => (c.HeadNode.CustomActions.OnNodeStart = { Args: ['x'] }), path: 'HeadNode.CustomActions.OnNodeStart.Script', reason: /needs Script/ },
  { name: 'SecurityGroups and AdditionalSecurityGroups', mutate: (c) => (c.HeadNode.Networking.SecurityGroups = ['sg-0123456789abcdef1']), path: 'HeadNode.Networking.AdditionalSecurityGroups', reason: /cannot both be set/ },
  { name: 'InstanceRole with AdditionalIamPolicies', mutate: (c) => (c.HeadNode.Iam.InstanceRole = 'arn:aws-cn:iam::123456789012:role/head'), path: 'HeadNode.Iam.AdditionalIamPolicies', reason: /cannot be combined/ },
  { name: 'S3Access with an instance profile', mutate: (c) => (c.Scheduling.SlurmQueues[0].Iam = { InstanceProfile: 'arn:aws-cn:iam::123456789012:instance-profile/p', S3Access: [{ BucketName: 'b' }] }), path: `${q0}.Iam.S3Access`, reason: /only applies to the role ParallelCluster creates/ },
  { name: 'Iops on gp2', mutate: (c) => Object.assign(c.HeadNode.LocalStorage.RootVolume, { VolumeType: 'gp2', Iops: 3000 }), path: 'HeadNode.LocalStorage.RootVolume.Iops', reason: /Iops cannot be set for VolumeType gp2/ },
  { name: 'io1 without Iops', mutate: (c) => c.SharedStorage.push({ Name: 'ebs', StorageType: 'Ebs', MountDir: '/ebs', EbsSettings: { VolumeType: 'io1' } }), path: 'SharedStorage[2].EbsSettings.Iops', reason: /VolumeType io1 needs Iops/ },
  { name: 'gp3 throughput out of range', mutate: (c) => (c.HeadNode.LocalStorage.RootVolume.Throughput = 2000), path: 'HeadNode.LocalStorage.RootVolume.Throughput', reason: /outside 125-1000/ },
  // --- tags and partitions ---
  { name: 'reserved tag prefix', mutate: (c) => (c.Tags[0].Key = 'parallelcluster:version'), path: 'Tags[0].Key', reason: /reserved for ParallelCluster/ },
  { name: 'duplicate tag key', mutate: (c) => c.Tags.push({ Key: 'project', Value: 'x' }), path: 'Tags[1].Key', reason: /listed twice/ },
  { name: 'global ARN in a China region', mutate: (c) => (c.HeadNode.Iam.AdditionalIamPolicies[0].Policy = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'), path: 'HeadNode.Iam.AdditionalIamPolicies[0].Policy', reason: /partition "aws" but Region cn-north-1 is in partition "aws-cn"/ },
];

describe('validateClusterConfig rejects hand-written invalid configs', () => {
  it('accepts the base config the table starts from', () => {
    expect(validateClusterConfig(baseConfig(), { clusterName: 'hpcha-cluster1' })).toEqual({ valid: true, issues: [] });
  });

  it('has at least 60 cases with distinct names', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES)('$name → $path', ({ mutate, path, reason, clusterName }) => {
    const config = baseConfig();
    mutate(config);
    const result = validateClusterConfig(config, { clusterName: clusterName ?? 'hpcha-cluster1' });
    expect(result.valid).toBe(false);
    const match = result.issues.find((i) => i.path === path && reason.test(i.message) && i.severity === 'error');
    expect(match, `no error at ${path} matching ${reason}; got:\n${result.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`).toBeDefined();
  });
});

describe('YAML input', () => {
  it('reports line and column of an unknown key', () => {
    const text = 'Region: cn-north-1\nImage:\n  Os: alinux2023\n  Flavour: x\n';
    const issue = validateClusterConfig(text).issues.find((i) => i.path === 'Image.Flavour');
    expect(issue).toMatchObject({ line: 4, column: 3, severity: 'error' });
  });

  it('reports line and column of a bad value', () => {
    const text = 'Image:\n  Os: alinux2023\nHeadNode:\n  InstanceType: m5.large\n  Networking:\n    SubnetId: subnet-XYZ\n';
    const issue = validateClusterConfig(text).issues.find((i) => i.path === 'HeadNode.Networking.SubnetId');
    expect(issue).toMatchObject({ line: 6, column: 15 });
    expect(issue!.message).toMatch(/"subnet-XYZ" is not a subnet id/);
  });

  it('reports YAML syntax errors with a position', () => {
    const r = validateClusterConfig('Image:\n  Os: [alinux2023\n');
    expect(r.valid).toBe(false);
    expect(r.issues[0]).toMatchObject({ path: '', severity: 'error', line: expect.any(Number) });
    expect(r.issues[0]!.message).toMatch(/^YAML syntax/);
  });

  it('rejects duplicate keys, which PyYAML would silently collapse', () => {
    const r = validateClusterConfig('Image:\n  Os: alinux2\n  Os: alinux2023\n');
    expect(r.issues[0]!.message).toMatch(/YAML syntax: .*unique/i);
  });

  it('reads YAML 1.1 booleans the way ParallelCluster does', () => {
    const text = `${'Image: {Os: alinux2023}\nHeadNode: {InstanceType: m5.large, Networking: {SubnetId: subnet-0123456789abcdef0}, Imds: {Secured: yes}}\n'}Scheduling: {Scheduler: slurm, SlurmQueues: [{Name: q, Networking: {SubnetIds: [subnet-0123456789abcdef0]}, ComputeResources: [{Name: c, InstanceType: c5.large}]}]}\n`;
    expect(validateClusterConfig(text)).toEqual({ valid: true, issues: [] });
  });

  it('rejects a document that is not a mapping', () => {
    expect(validateClusterConfig('- a\n- b\n').issues[0]).toMatchObject({ path: '', message: 'must be a mapping of keys, got a list' });
  });
});

describe('deploy-time values', () => {
  it('accepts CDK tokens and placeholders where ids and ARNs are expected', () => {
    const c = baseConfig();
    c.HeadNode.Networking.SubnetId = '${Token[TOKEN.123]}';
    c.SharedStorage[0].EfsSettings.FileSystemId = '<EfsFileSystemId>';
    c.SharedStorage[1].FsxLustreSettings.FileSystemId = '${Token[TOKEN.77]}';
    c.Scheduling.SlurmSettings.MungeKeySecretArn = '${Token[TOKEN.9]}';
    c.HeadNode.Iam.AdditionalIamPolicies[0].Policy = 'arn:${Token[AWS.Partition.8]}:iam::aws:policy/X';
    c.Region = '${Token[AWS.Region.4]}';
    expect(validateClusterConfig(c, { clusterName: 'hpcha-cluster1' })).toEqual({ valid: true, issues: [] });
  });

  it('still rejects a malformed concrete id next to tokens', () => {
    const c = baseConfig();
    c.HeadNode.Networking.SubnetId = '${Token[TOKEN.123]}';
    c.Scheduling.SlurmQueues[0].Networking.SubnetIds = ['subnet-nope'];
    expect(validateClusterConfig(c).issues.map((i) => i.path)).toEqual(['Scheduling.SlurmQueues[0].Networking.SubnetIds[0]']);
  });
});

describe('warnings do not fail validation', () => {
  it('warns about EFA with an explicitly disabled placement group', () => {
    const c = baseConfig();
    c.Scheduling.SlurmQueues[0].ComputeResources[1].Efa = { Enabled: true };
    c.Scheduling.SlurmQueues[0].ComputeResources[1].Networking = { PlacementGroup: { Enabled: false } };
    const r = validateClusterConfig(c);
    expect(r.valid).toBe(true);
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'warning', path: `${q0}.ComputeResources[1].Efa.Enabled` })]);
  });

  it('warns when PrivateData hides jobs from the portal admin', () => {
    const c = baseConfig();
    c.Scheduling.SlurmSettings.CustomSlurmSettings = [{ PrivateData: 'jobs,usage' }];
    const r = validateClusterConfig(c);
    expect(r.valid).toBe(true);
    expect(r.issues[0]!.message).toMatch(/portal admin needs to see every job/);
  });
});
