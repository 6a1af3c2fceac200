import { SssdSpecSchema } from '@hpc-ha/sssd-config';
import { Type, type Static } from '@sinclair/typebox';

/** Pieces of a portal node's spec that both portals share (one definition, so both nodes read them alike). */

export const SecretArn = Type.String({ format: 'dt-secret-arn' });
export const ClusterName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,59}$' });
export const Seconds = Type.Integer({ minimum: 1, maximum: 86400 });
export const Artifact = Type.Object(
  {
    /** `s3://bucket/key` (read with the instance role) or `https://...`. */
    uri: Type.String({ format: 'dt-uri' }),
    /** Lower-case hex SHA-256 the node checks before using the file. */
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
export const PackageList = Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' }), { minItems: 1 });

/** The bounded waits every portal node has; each portal adds its own to its `timeouts` object. */
export const NODE_TIMEOUT_PROPERTIES = {
  /** Wait for this AZ's head node to publish on EFS, only where the node created its cluster itself. */
  clusterPublicationSeconds: Type.Optional(Seconds),
  /** Wait for the portal to answer on its HTTPS port (2xx/3xx) before success is signalled. */
  serviceSeconds: Type.Optional(Seconds),
  /** systemd mount timeout of another AZ's FSx (it is mounted on first use). */
  remoteMountSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
  /** systemd idle timeout of another AZ's FSx: unmounted when unused, so an AZ loss rarely finds it active. */
  remoteIdleSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86400 })),
  /** Each download (https://) and reachability probe of a package source. */
  packageSourceSeconds: Type.Optional(Seconds),
  pollSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
} as const;

/** The properties every portal node spec has, spread into each portal's own schema. */
export const NODE_SPEC_PROPERTIES = {
  region: Type.String({ format: 'dt-region' }),
  partition: Type.String({ format: 'dt-partition' }),
  /** The partition's DNS suffix (AWS::URLSuffix), e.g. for the CloudFormation endpoint. */
  urlSuffix: Type.String({ format: 'dt-url-suffix' }),
  /** Node 1 in AZ 1, node 2 in AZ 2; fixed per ASG, never raced for. */
  nodeIndex: Type.Union([Type.Literal(1), Type.Literal(2)]),
  efs: Type.Object(
    {
      fileSystemId: Type.String({ format: 'dt-efs-id' }),
      mountDir: Type.Optional(Type.String({ format: 'abs-path' })),
      /** Directory under the mount point shared with the head nodes (CONTRACTS.md). */
      publicationRoot: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]+$' })),
      mountOptions: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_,=.-]+$' })),
    },
    { additionalProperties: false },
  ),
  fsx: Type.Array(
    Type.Object(
      {
        fileSystemId: Type.String({ format: 'dt-fsx-id' }),
        dnsName: Type.String({ format: 'dt-host' }),
        mountName: Type.String({ format: 'dt-fsx-mount-name' }),
        /** `/fsx_cluster<N>` by convention. */
        mountDir: Type.String({ format: 'abs-path' }),
        /**
         * The cluster whose AZ holds this file system. Only `ownCluster`'s is required at boot; the others are
         * automounted (`nofail`, mount and idle timeouts), since FSx for Lustre lives in one AZ.
         */
        cluster: ClusterName,
      },
      { additionalProperties: false },
    ),
  ),
  /** The cluster in this node's AZ: its FSx is required, its Slurm client build is copied to local disk. */
  ownCluster: ClusterName,
  mungeKeySecretArn: SecretArn,
  /**
   * Local users besides root that may reach the instance metadata service (and so the node role). Each portal has
   * its default (EnginFrame: `efnobody`; Open OnDemand: nobody).
   */
  imdsAllowedUsers: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' }), { uniqueItems: true })),
  /** Where `cfn-signal` reports the bootstrap's success or failure (omit to not signal). */
  signal: Type.Optional(
    Type.Object(
      {
        stackName: Type.String({ format: 'dt-text', minLength: 1 }),
        logicalResourceId: Type.String({ format: 'dt-text', minLength: 1 }),
        region: Type.Optional(Type.String({ format: 'dt-region' })),
      },
      { additionalProperties: false },
    ),
  ),
  logFile: Type.Optional(Type.String({ format: 'abs-path' })),
  slurm: Type.Optional(
    Type.Object(
      { prefix: Type.Optional(Type.String({ format: 'abs-path' })), configDir: Type.Optional(Type.String({ format: 'abs-path' })) },
      { additionalProperties: false },
    ),
  ),
  /** Minutes between re-syncs (clusters that published since, munge if deferred, the other AZ's FSx); 0: no timer. */
  resyncMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  /** Directory users through sssd (@hpc-ha/sssd-config's step). */
  directory: Type.Optional(
    Type.Object(
      {
        directoryType: Type.Union([Type.Literal('ldap'), Type.Literal('activeDirectory')]),
        sssd: SssdSpecSchema,
        /** SecretString = the bind password as plain text. */
        bindPasswordSecretArn: SecretArn,
        caCertificate: Type.Optional(Artifact),
        homeRoot: Type.String({ format: 'abs-path' }),
      },
      { additionalProperties: false },
    ),
  ),
} as const;

/** The shape the shared steps read; each portal validates its own, larger schema. */
export const PortalNodeSpecSchema = Type.Object({
  ...NODE_SPEC_PROPERTIES,
  clusters: Type.Array(Type.Object({ name: ClusterName })),
  timeouts: Type.Optional(Type.Object(NODE_TIMEOUT_PROPERTIES)),
  packages: Type.Optional(PackageList),
});

/** What the shared node steps read of a portal's spec (each portal's spec has at least this). */
export type PortalNodeSpec = Static<typeof PortalNodeSpecSchema>;
