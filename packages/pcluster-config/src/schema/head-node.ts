import { Type } from '@sinclair/typebox';
import { concreteOrDeployTime } from '../deploy-time.js';
import {
  Bool, Cidr, CustomAction, Dcv, Enum, EphemeralVolume, HeadNodeRootVolume, ImageCustomAmi, List, NodeIam, Obj, Opt,
  Proxy, SecurityGroupId, Str, SubnetId,
} from './common.js';

const ElasticIp = () =>
  Type.Unsafe<boolean | string>({
    type: ['boolean', 'string'],
    pattern: concreteOrDeployTime('true|false|eipalloc-[0-9a-z]{8}|eipalloc-[0-9a-z]{17}'),
    hint: 'true, false or an Elastic IP allocation id (eipalloc-...)',
  });

export const HeadNodeSchema = Obj({
  InstanceType: Str(),
  DisableSimultaneousMultithreading: Opt(Bool()),
  Networking: Obj({
    SubnetId: SubnetId(),
    ElasticIp: Opt(ElasticIp()),
    SecurityGroups: Opt(List(SecurityGroupId())),
    AdditionalSecurityGroups: Opt(List(SecurityGroupId())),
    Proxy: Opt(Proxy()),
  }),
  Ssh: Opt(Obj({ KeyName: Opt(Str()), AllowedIps: Opt(Cidr()) })),
  LocalStorage: Opt(Obj({ RootVolume: Opt(HeadNodeRootVolume()), EphemeralVolume: Opt(EphemeralVolume()) })),
  Dcv: Opt(Dcv()),
  CustomActions: Opt(
    Obj({ OnNodeStart: Opt(CustomAction()), OnNodeConfigured: Opt(CustomAction()), OnNodeUpdated: Opt(CustomAction()) }),
  ),
  Iam: Opt(NodeIam()),
  Imds: Opt(Obj({ Secured: Opt(Bool()) })),
  Image: Opt(ImageCustomAmi()),
  SharedStorageType: Opt(Enum(['Ebs', 'Efs'])),
});
