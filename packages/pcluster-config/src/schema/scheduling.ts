import { Type } from '@sinclair/typebox';
import {
  Bool, CapacityReservationTarget, ComputeRootVolume, CustomAction, Dict, Enum, EphemeralVolume, HealthChecks, Id,
  ImageCustomAmi, Int, List, NodeIam, Obj, Opt, PlacementGroup, Proxy, SecretArn, SecurityGroupId, Str, SubnetId, Tags,
} from './common.js';
import { concreteOrDeployTime } from '../deploy-time.js';

export const CAPACITY_TYPES = ['ONDEMAND', 'SPOT', 'CAPACITY_BLOCK'] as const;
export const ALLOCATION_STRATEGIES = [
  'lowest-price', 'capacity-optimized', 'price-capacity-optimized', 'prioritized', 'capacity-optimized-prioritized',
] as const;

const SlurmComputeResource = Obj({
  Name: Str(),
  InstanceType: Opt(Str()),
  Instances: Opt(List(Obj({ InstanceType: Str() }), { minItems: 1 })),
  MinCount: Opt(Int({ minimum: 0 })),
  MaxCount: Opt(Int({ minimum: 1 })),
  DynamicNodePriority: Opt(Int({ minimum: 1, maximum: 4294967295 })),
  StaticNodePriority: Opt(Int({ minimum: 1, maximum: 4294967295 })),
  SpotPrice: Opt(Type.Number({ minimum: 0 })),
  DisableSimultaneousMultithreading: Opt(Bool()),
  SchedulableMemory: Opt(Int({ minimum: 1 })),
  HealthChecks: Opt(HealthChecks()),
  Efa: Opt(Obj({ Enabled: Opt(Bool()), GdrSupport: Opt(Bool()) })),
  CapacityReservationTarget: Opt(CapacityReservationTarget()),
  Networking: Opt(Obj({ PlacementGroup: Opt(PlacementGroup()) })),
  CustomSlurmSettings: Opt(Dict()),
  Tags: Opt(Tags()),
  LaunchTemplateOverrides: Opt(
    Obj({ LaunchTemplateId: Id('lt-[0-9a-z]{17}', 'a launch template id (lt-...)'), Version: Int({ minimum: 1 }) }),
  ),
});

const SlurmQueue = Obj({
  Name: Str(),
  CapacityType: Opt(Enum(CAPACITY_TYPES)),
  AllocationStrategy: Opt(Enum(ALLOCATION_STRATEGIES)),
  JobExclusiveAllocation: Opt(Bool()),
  CustomSlurmSettings: Opt(Dict()),
  Tags: Opt(Tags()),
  HealthChecks: Opt(HealthChecks()),
  Networking: Obj({
    SubnetIds: List(SubnetId(), { minItems: 1 }),
    AssignPublicIp: Opt(Bool()),
    SecurityGroups: Opt(List(SecurityGroupId())),
    AdditionalSecurityGroups: Opt(List(SecurityGroupId())),
    PlacementGroup: Opt(PlacementGroup()),
    Proxy: Opt(Proxy()),
  }),
  ComputeSettings: Opt(
    Obj({ LocalStorage: Opt(Obj({ RootVolume: Opt(ComputeRootVolume()), EphemeralVolume: Opt(EphemeralVolume()) })) }),
  ),
  CustomActions: Opt(Obj({ OnNodeStart: Opt(CustomAction()), OnNodeConfigured: Opt(CustomAction()) })),
  Iam: Opt(NodeIam()),
  Image: Opt(ImageCustomAmi()),
  CapacityReservationTarget: Opt(CapacityReservationTarget()),
  ComputeResources: List(SlurmComputeResource, { minItems: 1 }),
});

const SlurmSettings = Obj({
  ScaledownIdletime: Opt(Int({ minimum: -1 })),
  QueueUpdateStrategy: Opt(Enum(['COMPUTE_FLEET_STOP', 'DRAIN', 'TERMINATE'])),
  EnableMemoryBasedScheduling: Opt(Bool()),
  CustomSlurmSettings: Opt(List(Dict())),
  CustomSlurmSettingsIncludeFile: Opt(Str()),
  MungeKeySecretArn: Opt(SecretArn()),
  Database: Opt(
    Obj({
      Uri: Str(),
      UserName: Str(),
      PasswordSecretArn: SecretArn(),
      DatabaseName: Opt(Type.String({ pattern: concreteOrDeployTime('[0-9a-z_]{1,64}'), hint: '1-64 lowercase letters, digits or _' })),
    }),
  ),
  ExternalSlurmdbd: Opt(Obj({ Host: Str(), Port: Opt(Int({ minimum: 1, maximum: 65535 })) })),
  Dns: Opt(Obj({ DisableManagedDns: Opt(Bool()), HostedZoneId: Opt(Str()), UseEc2Hostnames: Opt(Bool()) })),
});

const AwsBatchQueue = Obj({
  Name: Str(),
  CapacityType: Opt(Enum(['ONDEMAND', 'SPOT'])),
  Networking: Obj({
    SubnetIds: List(SubnetId(), { minItems: 1, maxItems: 1 }),
    AssignPublicIp: Opt(Bool()),
    SecurityGroups: Opt(List(SecurityGroupId())),
    AdditionalSecurityGroups: Opt(List(SecurityGroupId())),
  }),
  ComputeResources: List(
    Obj({
      Name: Str(),
      InstanceTypes: List(Str(), { minItems: 1 }),
      MinvCpus: Opt(Int({ minimum: 0 })),
      DesiredvCpus: Opt(Int({ minimum: 0 })),
      MaxvCpus: Opt(Int({ minimum: 1 })),
      SpotBidPercentage: Opt(Int({ minimum: 1, maximum: 100 })),
    }),
    { minItems: 1 },
  ),
});

export const SchedulingSchema = Obj({
  Scheduler: Enum(['slurm', 'awsbatch']),
  ScalingStrategy: Opt(Enum(['all-or-nothing', 'greedy-all-or-nothing', 'best-effort'])),
  SlurmSettings: Opt(SlurmSettings),
  SlurmQueues: Opt(List(SlurmQueue, { minItems: 1 })),
  AwsBatchQueues: Opt(List(AwsBatchQueue, { minItems: 1 })),
  /** ParallelCluster's AwsBatchSettings section takes no keys today, but exists (and is closed). */
  AwsBatchSettings: Opt(Obj({})),
});
