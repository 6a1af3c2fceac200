import { Artifact, ClusterName, NODE_BASE_PACKAGES, NODE_SPEC_PROPERTIES, NODE_TIMEOUT_PROPERTIES, PackageList, SecretArn as Secret, Seconds } from '@hpc-ha/portal-node';
import { Type, type Static } from '@sinclair/typebox';

const Uid = Type.Integer({ minimum: 1000, maximum: 60000 });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Heap = Type.String({ pattern: '^[1-9][0-9]*[mMgG]$' });
const Account = Type.Object({ uid: Uid, gid: Uid }, { additionalProperties: false });

export const PortalBootstrapSpecSchema = Type.Object(
  {
    // Storage, metadata firewall, munge, Slurm client, sssd, signal and re-sync: the settings every portal node shares.
    ...NODE_SPEC_PROPERTIES,
    accounts: Type.Optional(
      Type.Object({ efadmin: Type.Optional(Account), efnobody: Type.Optional(Account) }, { additionalProperties: false }),
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
    installer: Artifact,
    jdbcDriver: Artifact,
    /**
     * A NICE licence file, installed on EFS and named in `efinstall.config` (`kernel.eflicense`). Omit it where
     * EnginFrame reads its licence from AWS's per-region licence bucket (EC2 in the global partition).
     */
    licenseFile: Type.Optional(Artifact),
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
    timeouts: Type.Optional(
      Type.Object(
        {
          ...NODE_TIMEOUT_PROPERTIES,
          /** Node 2's wait for node 1's install marker. */
          installMarkerSeconds: Type.Optional(Seconds),
          /** Wait for the database endpoint to accept connections before the install and the start. */
          databaseSeconds: Type.Optional(Seconds),
        },
        { additionalProperties: false },
      ),
    ),
    /** dnf packages; the default list suits Amazon Linux 2023. */
    packages: Type.Optional(PackageList),
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
  },
  { additionalProperties: false },
);

/** Everything a portal node's bootstrap needs; ids, endpoints and ARNs may be deploy-time values. */
export type PortalBootstrapSpec = Static<typeof PortalBootstrapSpecSchema>;

/** The JDK for EnginFrame, then what every portal node needs (@hpc-ha/portal-node). */
export const DEFAULT_PACKAGES = ['java-11-amazon-corretto-headless', ...NODE_BASE_PACKAGES] as const;
