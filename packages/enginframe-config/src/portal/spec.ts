import { SssdSpecSchema } from '@hpc-ha/sssd-config';
import { Type, type Static } from '@sinclair/typebox';

const Secret = Type.String({ format: 'dt-secret-arn' });
const Uid = Type.Integer({ minimum: 1000, maximum: 60000 });
const Seconds = Type.Integer({ minimum: 1, maximum: 86400 });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Heap = Type.String({ pattern: '^[1-9][0-9]*[mMgG]$' });
const Artifact = Type.Object(
  {
    /** `s3://bucket/key` (read with the instance role) or `https://...`. */
    uri: Type.String({ format: 'dt-uri' }),
    /** Lower-case hex SHA-256 the node checks before using the file. */
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
const Account = Type.Object({ uid: Uid, gid: Uid }, { additionalProperties: false });
const ClusterName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,59}$' });

export const PortalBootstrapSpecSchema = Type.Object(
  {
    region: Type.String({ format: 'dt-region' }),
    partition: Type.String({ format: 'dt-partition' }),
    /** The partition's DNS suffix (AWS::URLSuffix), e.g. for the CloudFormation endpoint. */
    urlSuffix: Type.String({ format: 'dt-url-suffix' }),
    /** 1 installs EnginFrame on EFS, 2 joins the install; fixed per ASG, never raced for. */
    nodeIndex: Type.Union([Type.Literal(1), Type.Literal(2)]),
    accounts: Type.Optional(
      Type.Object({ efadmin: Type.Optional(Account), efnobody: Type.Optional(Account) }, { additionalProperties: false }),
    ),
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
           * automounted (`nofail`, mount timeout), since FSx for Lustre lives in one AZ.
           */
          cluster: ClusterName,
        },
        { additionalProperties: false },
      ),
    ),
    clusters: Type.Array(
      Type.Object(
        {
          name: ClusterName,
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\n\\r\\0]*$' })),
          /** EnginFrame cluster id; defaults to the name upper-cased with `-` as `_`. */
          id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]+$' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    /** The cluster in this node's AZ: required at boot, its Slurm client build is copied locally. */
    ownCluster: ClusterName,
    database: Type.Object(
      {
        host: Type.String({ format: 'dt-host' }),
        port: Type.Optional(Port),
        name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' })),
        user: Type.String({ pattern: '^[A-Za-z0-9_]{1,32}$' }),
        /** JSON secret `{"username","password",...}` of the EnginFrame DB user. */
        appUserSecretArn: Secret,
        jdbcParams: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.]*$' }), Type.String())),
      },
      { additionalProperties: false },
    ),
    adminPassword: Type.Object(
      { secretArn: Secret, jsonKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' })) },
      { additionalProperties: false },
    ),
    mungeKeySecretArn: Secret,
    installer: Artifact,
    jdbcDriver: Artifact,
    /**
     * A NICE licence file, installed on EFS and named in `efinstall.config` (`kernel.eflicense`). Omit it where
     * EnginFrame reads its licence from AWS's per-region licence bucket (EC2 in the global partition).
     */
    licenseFile: Type.Optional(Artifact),
    /**
     * Local users besides root that may reach the instance metadata service (and so the node role). Default:
     * `efnobody`, which runs EnginFrame's server, whose licence check on EC2 uses the instance role.
     */
    imdsAllowedUsers: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' }), { uniqueItems: true })),
    enginframe: Type.Object(
      {
        version: Type.String({ pattern: '^\\d{4}\\.\\d+-r\\d+$' }),
        introTargets: Type.Optional(Type.Array(Type.String({ pattern: '^component_[A-Za-z0-9_-]+$' }), { minItems: 1 })),
        niceRoot: Type.Optional(Type.String({ format: 'abs-path' })),
        rootContext: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+$' })),
        ports: Type.Optional(
          Type.Object(
            {
              https: Type.Optional(Port),
              shutdown: Type.Optional(Port),
              agentRmi: Type.Optional(Port),
              agentRmiBind: Type.Optional(Port),
              enterprise: Type.Optional(Port),
            },
            { additionalProperties: false },
          ),
        ),
        heap: Type.Optional(
          Type.Object(
            { serverMin: Type.Optional(Heap), serverMax: Type.Optional(Heap), agentMin: Type.Optional(Heap), agentMax: Type.Optional(Heap) },
            { additionalProperties: false },
          ),
        ),
        serverJavaOptions: Type.Optional(Type.String({ pattern: '^[^\\n\\0]*$' })),
        agentJavaOptions: Type.Optional(Type.String({ pattern: '^[^\\n\\0]*$' })),
        pamService: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]+$' })),
        /** `ef.download.server.url`; defaults to this node's own server, `https://localhost:<https>/<context>/download`. */
        downloadServerUrl: Type.Optional(Type.String({ pattern: '^https?://\\S+$' })),
        /** server.conf property holding the enterprise member list (unverified key, see README). */
        enterpriseMembersProperty: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]+$' })),
        /** ef.slurm.conf location relative to EF_TOP. */
        slurmConfPath: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$' })),
      },
      { additionalProperties: false },
    ),
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
    timeouts: Type.Optional(
      Type.Object(
        {
          /** Wait for this AZ's head node to publish on EFS. */
          clusterPublicationSeconds: Type.Optional(Seconds),
          /** Node 2's wait for node 1's install marker. */
          installMarkerSeconds: Type.Optional(Seconds),
          /** Wait for the database endpoint to accept connections before the install and the start. */
          databaseSeconds: Type.Optional(Seconds),
          /** Wait for EnginFrame to answer on its HTTPS port (2xx/3xx) before success is signalled. */
          serviceSeconds: Type.Optional(Seconds),
          /** systemd mount timeout of another AZ's FSx (it is mounted on first use). */
          remoteMountSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
          pollSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
        },
        { additionalProperties: false },
      ),
    ),
    slurm: Type.Optional(
      Type.Object(
        { prefix: Type.Optional(Type.String({ format: 'abs-path' })), configDir: Type.Optional(Type.String({ format: 'abs-path' })) },
        { additionalProperties: false },
      ),
    ),
    /** dnf packages; the default list suits Amazon Linux 2023. */
    packages: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' }), { minItems: 1 })),
    /** Minutes between Slurm client config re-syncs; 0 disables the timer. */
    resyncMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
    /**
     * `provisioner: instance` mode: this node creates or adopts its AZ's cluster with the pcluster CLI, 3.x
     * (`configYaml`) or legacy 2.10/2.11 (`configIni`).
     */
    pcluster: Type.Optional(
      Type.Object(
        {
          version: Type.String({ pattern: '^(?:3\\.\\d+|2\\.1[01])\\.\\d+$' }),
          pipIndexUrl: Type.Optional(Type.String({ pattern: '^https://\\S+$' })),
          clusterName: ClusterName,
          /** The v3 cluster config (`pcluster create-cluster -c`); 3.x versions only. */
          configYaml: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\0]*$' })),
          /** The 2.x INI config (`pcluster create -c`); 2.10/2.11 versions only. */
          configIni: Type.Optional(Type.String({ minLength: 1, pattern: '^[^\\0]*$' })),
          /**
           * Instead of configYaml/configIni: the config (YAML for 3.x, INI for 2.x) as an S3 object with readable
           * placeholders, its SHA-256 (the node refuses another object), and the value of each placeholder. User data
           * then carries these few values instead of the whole config.
           */
          configObject: Type.Optional(
            Type.Object(
              {
                // An s3:// URI, or a CDK token that becomes one (an asset's URL is one token).
                uri: Type.String({ pattern: '^(?:s3://|\\$\\{Token\\[)\\S+$' }),
                sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
                placeholders: Type.Record(Type.String({ pattern: '^<[A-Za-z][A-Za-z0-9]*>$' }), Type.String({ pattern: '^[^\\t\\n\\0]+$' })),
              },
              { additionalProperties: false },
            ),
          ),
          waitSeconds: Type.Optional(Seconds),
        },
        { additionalProperties: false },
      ),
    ),
    /** Directory users through sssd (@hpc-ha/sssd-config's step); omit for local accounts only. */
    directory: Type.Optional(
      Type.Object(
        {
          directoryType: Type.Union([Type.Literal('ldap'), Type.Literal('activeDirectory')]),
          sssd: SssdSpecSchema,
          /** SecretString = the bind password as plain text. */
          bindPasswordSecretArn: Secret,
          caCertificate: Type.Optional(Artifact),
          homeRoot: Type.String({ format: 'abs-path' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Everything a portal node's bootstrap needs; ids, endpoints and ARNs may be deploy-time values. */
export type PortalBootstrapSpec = Static<typeof PortalBootstrapSpecSchema>;

/** No munge: the bootstrap takes it from the distribution when a repository has it, else from the head node. */
export const DEFAULT_PACKAGES = [
  'java-11-amazon-corretto-headless',
  'amazon-efs-utils',
  'lustre-client',
  'nfs-utils',
  'jq',
  'aws-cfn-bootstrap',
  // The metadata-service firewall (see `imdsAllowedUsers`).
  'iptables-nft',
] as const;
