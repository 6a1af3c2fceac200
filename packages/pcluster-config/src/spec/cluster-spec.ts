/**
 * ClusterSpec: this product's own description of one ParallelCluster cluster, from which the v3 config, the legacy
 * 2.x INI and the node scripts are rendered. The TypeBox schema is the single source of the TypeScript type; ajv
 * fills the documented defaults.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  EfsId, Enum, FsxLustreId, Id, MOUNT_DIR_PATTERN, PolicyArn, ScriptUri, SecretArn, SecurityGroupId, SubnetId,
} from '../schema/common.js';
import { concreteOrDeployTime } from '../deploy-time.js';

const Closed = <T extends Parameters<typeof Type.Object>[0]>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });
const WithDefault = <T extends TSchema>(schema: T, value: unknown, description: string) =>
  Type.Optional(Type.Unsafe<Static<T>>({ ...schema, default: value, description }));

export const SPEC_OSES = ['alinux2', 'alinux2023', 'ubuntu2004', 'ubuntu2204', 'ubuntu2404', 'rhel8', 'rocky8', 'rhel9', 'rocky9'] as const;
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** Documented defaults (also written into the schema, where ajv applies them). */
export const CLUSTER_SPEC_DEFAULTS = {
  os: 'alinux2023',
  parallelclusterVersion: '3.16.3',
  headNodeInstanceType: 'm5.xlarge',
  rootVolumeSizeGiB: 50,
  capacityType: 'ONDEMAND',
  minCount: 0,
  maxCount: 10,
  efsMountDir: '/efs',
  fsxMountDir: '/fsx',
  imdsSecured: true,
  scaledownIdletimeMinutes: 10,
  publishRoot: 'hpc-ha',
  portalAdmin: { userName: 'efadmin', uid: 5000, groupName: 'efadmin', gid: 5000 },
  portalServiceUser: { userName: 'efnobody', uid: 5001, groupName: 'efnobody', gid: 5001 },
} as const;
const D = CLUSTER_SPEC_DEFAULTS;

const ResourceName = (what: string) =>
  Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 25, hint: `a ${what} name: lowercase letter first, then lowercase letters, digits, hyphens`, description: `${what} name (not "default")` });
const InstanceType = () =>
  Type.String({ pattern: '^[a-z0-9-]+\\.[a-z0-9-]+$', hint: 'an EC2 instance type such as c5.xlarge' });
const PosixName = () =>
  Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$', hint: 'a POSIX user or group name (lowercase, at most 32 characters)' });
const PosixId = () => Type.Integer({ minimum: 1000, maximum: 2147483647 });
const MountDir = () => Type.String({ pattern: MOUNT_DIR_PATTERN, hint: 'an absolute directory such as /efs' });

const Account = (d: { userName: string; uid: number; groupName: string; gid: number }, what: string) =>
  WithDefault(
    Closed({
      userName: WithDefault(PosixName(), d.userName, 'login name'),
      uid: WithDefault(PosixId(), d.uid, 'numeric user id, identical on portal, head and compute nodes'),
      groupName: WithDefault(PosixName(), d.groupName, 'primary group name'),
      gid: WithDefault(PosixId(), d.gid, 'numeric group id'),
    }),
    {},
    what,
  );

const Script = (description?: string) =>
  Closed(
    {
      scriptUri: ScriptUri(),
      args: WithDefault(Type.Array(Type.String()), [], 'positional arguments ParallelCluster passes to the script'),
    },
    description,
  );

export const ComputeResourceSpecSchema = Closed({
  name: ResourceName('compute resource'),
  instanceType: InstanceType(),
  minCount: WithDefault(Type.Integer({ minimum: 0 }), D.minCount, 'static nodes kept running'),
  maxCount: WithDefault(Type.Integer({ minimum: 1 }), D.maxCount, 'upper bound of nodes'),
  disableSimultaneousMultithreading: Type.Optional(Type.Boolean()),
  efa: Type.Optional(Type.Boolean({ description: 'enable EFA (adds a placement group; single-subnet queues only)' })),
});

export const QueueSpecSchema = Closed({
  name: ResourceName('queue'),
  capacityType: WithDefault(Enum(['ONDEMAND', 'SPOT']), D.capacityType, 'ONDEMAND or SPOT'),
  subnetIds: Type.Array(SubnetId(), { minItems: 1 }),
  computeResources: Type.Array(ComputeResourceSpecSchema, { minItems: 1, maxItems: 50 }),
});

/**
 * ParallelCluster's DirectoryService (3.1.1+): cluster users from an AD or LDAP directory through sssd. The head
 * node reads the bind password from the secret at boot (SecretString = the password, plain text) and shares the
 * resulting sssd.conf with the compute nodes.
 */
export const DirectoryServiceSpecSchema = Closed({
  domainName: Type.String({ minLength: 1, description: 'FQDN (corp.example.com) or DC= name; the default search base' }),
  /** Joined with commas into DomainAddr. */
  addresses: Type.Array(Type.String({ pattern: '^ldaps://[^\\s,]+$', hint: 'an ldaps:// URI' }), { minItems: 1 }),
  passwordSecretArn: SecretArn(),
  readOnlyUser: Type.String({ minLength: 1, description: 'DN the nodes bind as (DomainReadOnlyUser)' }),
  ldapTlsCaCert: Type.Optional(Type.String({ pattern: '^/\\S+$', hint: 'an absolute path on the cluster nodes' })),
  ldapTlsReqCert: Type.Optional(Enum(['never', 'allow', 'try', 'demand', 'hard'])),
  ldapAccessFilter: Type.Optional(Type.String({ minLength: 1 })),
  generateSshKeysForUsers: Type.Optional(Type.Boolean()),
  additionalSssdConfigs: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), Type.String(), { additionalProperties: false })),
});

/**
 * Slurm accounting (3.x): ParallelCluster's `Scheduling.SlurmSettings.Database`. The head node runs slurmdbd, which
 * connects to `uri` as `userName` with the password read at boot from the secret (SecretString = the password as
 * plain text) and keeps the records in `databaseName`.
 */
export const SlurmAccountingSpecSchema = Closed({
  uri: Type.String({
    minLength: 1,
    description: 'host:port of the MySQL server (no scheme, no leading /); a host without a port means 3306 to ParallelCluster',
  }),
  userName: Type.String({ pattern: '^[A-Za-z0-9_]{1,32}$', hint: 'a MySQL 8 user name: 1-32 letters, digits or _' }),
  passwordSecretArn: SecretArn(),
  databaseName: Type.Optional(
    Type.String({
      pattern: concreteOrDeployTime('[0-9a-z_]{1,64}'),
      hint: '1-64 lower-case letters, digits or _ (ParallelCluster\'s DatabaseName rule)',
      description: 'Database.DatabaseName (3.8.0+); before 3.8.0 ParallelCluster always uses the cluster name with - as _, so give that or nothing',
    }),
  ),
});

export const ClusterSpecSchema = Closed({
  region: Id('[a-z]{2}(?:-[a-z]+)+-[0-9]', 'an AWS region name such as cn-north-1'),
  partition: Type.Optional(Enum(PARTITIONS)),
  // Lower case only: Slurm lower-cases ClusterName, and the head-node script compares Slurm's name with this one.
  clusterName: Type.String({ pattern: '^[a-z][a-z0-9-]+$', maxLength: 60, hint: 'a cluster name: lowercase letter first, then lowercase letters, digits, hyphens (Slurm lower-cases cluster names)' }),
  os: WithDefault(Enum(SPEC_OSES), D.os, 'Image.Os (base_os in 2.x)'),
  parallelclusterVersion: WithDefault(
    Type.String({ pattern: '^(?:2\\.(?:10|11)|3\\.[0-9]+)\\.[0-9]+$', hint: 'a ParallelCluster version such as 3.16.3 (or 2.10.x/2.11.x for renderLegacyIni)' }),
    D.parallelclusterVersion,
    'ParallelCluster release the config targets',
  ),
  vpcId: Type.Optional(Id('vpc-[0-9a-z]{8}|vpc-[0-9a-z]{17}', 'a VPC id (vpc-...)')),
  headNode: Closed({
    instanceType: WithDefault(InstanceType(), D.headNodeInstanceType, 'head node EC2 instance type'),
    subnetId: SubnetId(),
    rootVolumeSizeGiB: WithDefault(Type.Integer({ minimum: 35, maximum: 16384 }), D.rootVolumeSizeGiB, 'root EBS volume (encrypted)'),
    keyName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    additionalSecurityGroupIds: WithDefault(Type.Array(SecurityGroupId()), [], 'added to the groups ParallelCluster creates'),
    additionalIamPolicyArns: WithDefault(Type.Array(PolicyArn()), [], 'attached to the head node role'),
    s3AccessBuckets: WithDefault(
      Type.Array(
        Closed({
          bucketName: Id('[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]', 'an S3 bucket name'),
          keyName: Type.Optional(Type.String({ minLength: 1 })),
          enableWriteAccess: Type.Optional(Type.Boolean()),
        }),
      ),
      [],
      'S3 buckets the head node may read (or write)',
    ),
  }),
  queues: Type.Array(QueueSpecSchema, { minItems: 1, maxItems: 50 }),
  compute: WithDefault(
    Closed({
      additionalSecurityGroupIds: WithDefault(Type.Array(SecurityGroupId()), [], 'added to every queue'),
      additionalIamPolicyArns: WithDefault(Type.Array(PolicyArn()), [], 'attached to every queue role'),
      rootVolumeSizeGiB: Type.Optional(Type.Integer({ minimum: 35, maximum: 16384 })),
    }),
    {},
    'settings shared by every queue',
  ),
  sharedStorage: Closed({
    efs: Closed({
      fileSystemId: EfsId(),
      mountDir: WithDefault(MountDir(), D.efsMountDir, 'where the existing EFS is mounted'),
      encryptionInTransit: Type.Optional(Type.Boolean()),
    }),
    fsxLustre: Type.Optional(
      Closed({ fileSystemId: FsxLustreId(), mountDir: WithDefault(MountDir(), D.fsxMountDir, 'where the existing FSx for Lustre is mounted') }),
    ),
  }),
  mungeKeySecretArn: SecretArn(),
  customActions: WithDefault(
    Closed({
      headNode: Type.Optional(Script()),
      computeNode: Type.Optional(Script()),
      headNodeUpdated: Type.Optional(Script('OnNodeUpdated of the head node (3.x): run after every cluster update, which ParallelCluster allows, unlike a change of its OnNodeConfigured')),
      postInstall: Type.Optional(
        Script('ParallelCluster 2.x only: the renderLegacyPostInstallScript asset; renderLegacyIni passes the munge key secret ARN as its first argument, then args'),
      ),
    }),
    {},
    'OnNodeConfigured scripts (S3 assets): headNode/computeNode for 3.x, postInstall for 2.x',
  ),
  directoryService: Type.Optional(DirectoryServiceSpecSchema),
  slurmAccounting: Type.Optional(SlurmAccountingSpecSchema),
  imdsSecured: WithDefault(Type.Boolean(), D.imdsSecured, 'HeadNode.Imds.Secured'),
  iamResourcePrefix: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Iam.ResourcePrefix (3.x): IAM path ("/a/b/") and/or name prefix of the roles and instance profiles ParallelCluster creates; cannot change after the cluster exists',
    }),
  ),
  headNodeSsh: Type.Optional(
    Closed({
      allowedIps: Type.String({
        pattern: '^(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}/[0-9]{1,2}|pl-[0-9a-z]+)$',
        hint: 'an IPv4 CIDR such as 10.0.0.0/16, or a prefix list id (pl-...)',
        description: 'HeadNode.Ssh.AllowedIps: the only source ParallelCluster opens port 22 of the head node to (it opens 0.0.0.0/0 when unset)',
      }),
      passwordAuthentication: WithDefault(
        Type.Boolean(),
        false,
        "false: the head-node script turns sshd's password and keyboard-interactive logins off after ParallelCluster's directory recipe turned them on",
      ),
    }),
  ),
  queueUpdateStrategy: Type.Optional(
    Type.Unsafe<'COMPUTE_FLEET_STOP' | 'DRAIN' | 'TERMINATE'>({
      ...Enum(['COMPUTE_FLEET_STOP', 'DRAIN', 'TERMINATE']),
      description: 'SlurmSettings.QueueUpdateStrategy (3.x): how queue changes reach running compute nodes without stopping the fleet',
    }),
  ),
  srunPortRange: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,5}-[0-9]{1,5}$', hint: 'a port range such as 60001-63000', description: 'SrunPortRange in SlurmSettings.CustomSlurmSettings (3.x): the ports srun and salloc listen on for callbacks' }),
  ),
  scaledownIdletimeMinutes: WithDefault(Type.Integer({ minimum: -1 }), D.scaledownIdletimeMinutes, 'SlurmSettings.ScaledownIdletime'),
  tags: WithDefault(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 })), {}, 'cluster tags (rendered sorted by key)'),
  desktop: Type.Optional(
    Closed(
      {
        session: Type.Optional(Enum(['xfce', 'mate'])),
        bundle: Type.Optional(
          Closed({
            uri: Id('(?:s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\\S+|https://\\S+)', 'an s3://bucket/key or https:// URL'),
            sha256: Id('[0-9a-f]{64}', 'a SHA-256 as 64 lower-case hexadecimal characters'),
          }),
        ),
      },
      'Open OnDemand Desktop app: compute nodes install a VNC server, websockify and a desktop (from the OS repositories on Ubuntu; from this bundle, a tar of .rpm/.deb files, elsewhere)',
    ),
  ),
  portalAdmin: Account(D.portalAdmin, 'EnginFrame portal administrator, created on every node'),
  portalServiceUser: Account(D.portalServiceUser, 'EnginFrame Tomcat user, created on every node'),
  publishRoot: WithDefault(
    Type.String({ pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$', hint: 'a relative directory under the EFS mount, e.g. hpc-ha' }),
    D.publishRoot,
    'the head node publishes <efs mountDir>/<publishRoot>/clusters/<clusterName>/',
  ),
});

/** What callers write: optional fields may be left out and get the defaults above. */
export type ClusterSpec = Static<typeof ClusterSpecSchema>;

type Filled<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: Exclude<T[P], undefined> };
type Account = Required<NonNullable<ClusterSpec['portalAdmin']>>;
export type ResolvedComputeResource = Filled<ClusterSpec['queues'][number]['computeResources'][number], 'minCount' | 'maxCount'>;
export type ResolvedQueue = Omit<Filled<ClusterSpec['queues'][number], 'capacityType'>, 'computeResources'> & {
  computeResources: ResolvedComputeResource[];
};
type HeadNodeSpec = ClusterSpec['headNode'];
type Storage = ClusterSpec['sharedStorage'];
type Actions = NonNullable<ClusterSpec['customActions']>;
type ResolvedScript = { scriptUri: string; args: string[] };

/** A ClusterSpec after validation: defaults filled, partition known. */
export type ResolvedClusterSpec = Omit<
  Filled<ClusterSpec, 'os' | 'parallelclusterVersion' | 'imdsSecured' | 'scaledownIdletimeMinutes' | 'tags' | 'publishRoot'>,
  'partition' | 'headNode' | 'queues' | 'compute' | 'sharedStorage' | 'customActions' | 'portalAdmin' | 'portalServiceUser'
> & {
  partition: Partition;
  headNode: Filled<HeadNodeSpec, 'instanceType' | 'rootVolumeSizeGiB' | 'additionalSecurityGroupIds' | 'additionalIamPolicyArns' | 's3AccessBuckets'>;
  queues: ResolvedQueue[];
  compute: Filled<NonNullable<ClusterSpec['compute']>, 'additionalSecurityGroupIds' | 'additionalIamPolicyArns'>;
  sharedStorage: {
    efs: Filled<Storage['efs'], 'mountDir'>;
    fsxLustre?: Filled<NonNullable<Storage['fsxLustre']>, 'mountDir'>;
  };
  customActions: { [K in keyof Actions]?: ResolvedScript };
  portalAdmin: Account;
  portalServiceUser: Account;
};
