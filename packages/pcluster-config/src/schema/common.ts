/**
 * Building blocks of the ParallelCluster 3.16 cluster-configuration schema. ParallelCluster's marshmallow schema
 * raises on unknown keys, so every object here is closed (`additionalProperties: false`). Each constrained string
 * carries a `hint` (an annotation keyword registered with ajv) that error messages quote.
 */
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import { concreteOrDeployTime } from '../deploy-time.js';

export const Obj = <T extends TProperties>(props: T) => Type.Object(props, { additionalProperties: false });
export const Opt = <T extends TSchema>(s: T) => Type.Optional(s);
export const Str = () => Type.String();
export const Bool = () => Type.Boolean();
export const Int = (opts: { minimum?: number; maximum?: number } = {}) => Type.Integer(opts);
export const List = <T extends TSchema>(item: T, opts: { minItems?: number; maxItems?: number } = {}) =>
  Type.Array(item, opts);
/** A map with free-form keys (e.g. `CustomSlurmSettings` of a queue). */
export const Dict = () => Type.Record(Type.String(), Type.Unknown());

export function Enum<T extends string>(values: readonly T[]) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}
export function IntEnum(values: readonly number[]) {
  return Type.Unsafe<number>({ type: 'integer', enum: [...values] });
}

/** A concrete id/ARN matching `core`, or a deploy-time value. */
export function Id(core: string, hint: string) {
  return Type.String({ pattern: concreteOrDeployTime(core), hint });
}

const idOf = (prefix: string, hint: string) =>
  Id(`${prefix}-[0-9a-z]{8}|${prefix}-[0-9a-z]{17}`, `${hint} (${prefix}- followed by 8 or 17 lowercase letters or digits)`);

export const SubnetId = () => idOf('subnet', 'a subnet id');
export const SecurityGroupId = () => idOf('sg', 'a security group id');
export const AmiId = () => idOf('ami', 'an AMI id');
export const EfsId = () => idOf('fs', 'a file system id');
export const FsxLustreId = () =>
  Id('fs-[0-9a-z]{17}', 'an FSx file system id (fs- followed by exactly 17 lowercase letters or digits)');
export const PolicyArn = () => Id('arn:.*:policy/.*', 'an IAM policy ARN (arn:<partition>:iam::<account>:policy/<name>)');
export const RoleArn = () => Id('arn:.*:role/.*', 'an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)');
export const InstanceProfileArn = () =>
  Id('arn:.*:instance-profile/.*', 'an IAM instance profile ARN (arn:<partition>:iam::<account>:instance-profile/<name>)');
export const SecretArn = () =>
  Id('arn:.*:secret.*', 'a Secrets Manager secret ARN (arn:<partition>:secretsmanager:<region>:<account>:secret:<name>)');
export const ScriptUri = () => Id('(?:s3|https)://.+', 'an s3:// or https:// URL');
export const Cidr = () =>
  Id(
    '(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/(?:[0-9]|[12][0-9]|3[0-2])|pl-[0-9a-z]{8}|pl-[0-9a-z]{17}',
    'an IPv4 CIDR (e.g. 10.0.0.0/16) or a prefix list id (pl-...)',
  );

/** ParallelCluster's `file_path` rule: optional leading `/`, no `.`-leading or empty segments, no backslashes. */
export const MOUNT_DIR_PATTERN = '^\\/?[^\\/.\\\\][^\\/\\\\]*(\\/[^\\/.\\\\][^\\/]*)*$';
export const MountDir = () =>
  Type.String({ pattern: MOUNT_DIR_PATTERN, hint: 'an absolute directory such as /shared (no "." or empty segments)' });

export const Tag = () => Obj({ Key: Type.String({ minLength: 1, maxLength: 128 }), Value: Type.String({ maxLength: 256 }) });
export const Tags = () => List(Tag());

const CustomActionScript = () => Obj({ Script: ScriptUri(), Args: Opt(List(Str())) });
/** Either `Script` (+ `Args`) or `Sequence`; the exclusivity is a rule, so the message can say which. */
export const CustomAction = () =>
  Obj({ Script: Opt(ScriptUri()), Args: Opt(List(Str())), Sequence: Opt(List(CustomActionScript(), { minItems: 1 })) });

export const VOLUME_TYPES = ['standard', 'io1', 'io2', 'gp2', 'st1', 'sc1', 'gp3'] as const;
const rootVolumeProps = {
  Size: Opt(Int({ minimum: 1 })),
  Encrypted: Opt(Bool()),
  VolumeType: Opt(Enum(VOLUME_TYPES)),
  Iops: Opt(Int({ minimum: 0 })),
  Throughput: Opt(Int({ minimum: 0 })),
};
export const HeadNodeRootVolume = () => Obj({ ...rootVolumeProps, DeleteOnTermination: Opt(Bool()) });
export const ComputeRootVolume = () => Obj(rootVolumeProps);
export const EphemeralVolume = () => Obj({ MountDir: Opt(MountDir()) });

export const AdditionalIamPolicy = () => Obj({ Policy: PolicyArn() });
export const S3Access = () =>
  Obj({
    BucketName: Type.String({ pattern: concreteOrDeployTime('[*a-z0-9\\-.]+'), hint: 'an S3 bucket name (a-z, 0-9, -, ., *)' }),
    KeyName: Opt(Str()),
    EnableWriteAccess: Opt(Bool()),
  });
const baseIamProps = () => ({
  InstanceRole: Opt(RoleArn()),
  InstanceProfile: Opt(InstanceProfileArn()),
  AdditionalIamPolicies: Opt(List(AdditionalIamPolicy())),
});
export const NodeIam = () => Obj({ ...baseIamProps(), S3Access: Opt(List(S3Access())) });
/** Login pools take ParallelCluster's base IAM section, which has no S3Access. */
export const LoginNodeIam = () => Obj(baseIamProps());

export const Proxy = () => Obj({ HttpProxyAddress: Opt(Str()) });
export const ImageCustomAmi = () => Obj({ CustomAmi: Opt(AmiId()) });
export const Dcv = () => Obj({ Enabled: Bool(), Port: Opt(Int({ minimum: 1024, maximum: 65535 })), AllowedIps: Opt(Cidr()) });
export const PlacementGroup = () => Obj({ Enabled: Opt(Bool()), Id: Opt(Str()), Name: Opt(Str()) });
export const HealthChecks = () => Obj({ Gpu: Opt(Obj({ Enabled: Opt(Bool()) })) });
export const CapacityReservationTarget = () =>
  Obj({
    CapacityReservationId: Opt(Id('cr-[0-9a-z]{8}|cr-[0-9a-z]{17}', 'a capacity reservation id (cr-...)')),
    CapacityReservationResourceGroupArn: Opt(Id('arn:.*:resource-groups:.*', 'a resource group ARN')),
  });
