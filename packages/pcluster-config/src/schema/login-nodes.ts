import {
  Cidr, CustomAction, Dcv, ImageCustomAmi, Int, List, LoginNodeIam, Obj, Opt, Proxy, SecurityGroupId, Str, SubnetId,
} from './common.js';

const Pool = Obj({
  Name: Str(),
  Count: Int({ minimum: 0 }),
  InstanceType: Str(),
  GracetimePeriod: Opt(Int({ minimum: 3, maximum: 120 })),
  Image: Opt(ImageCustomAmi()),
  // KeyName: accepted up to 3.14 (deprecated there), refused from 3.15 (see validate/version-gates.ts).
  Ssh: Opt(Obj({ KeyName: Opt(Str()), AllowedIps: Opt(Cidr()) })),
  Networking: Obj({
    SubnetIds: List(SubnetId(), { minItems: 1, maxItems: 1 }),
    SecurityGroups: Opt(List(SecurityGroupId())),
    AdditionalSecurityGroups: Opt(List(SecurityGroupId())),
    Proxy: Opt(Proxy()),
  }),
  Dcv: Opt(Dcv()),
  CustomActions: Opt(
    Obj({ OnNodeStart: Opt(CustomAction()), OnNodeConfigured: Opt(CustomAction()), OnNodeUpdated: Opt(CustomAction()) }),
  ),
  Iam: Opt(LoginNodeIam()),
});

export const LoginNodesSchema = Obj({ Pools: List(Pool, { minItems: 1 }) });
