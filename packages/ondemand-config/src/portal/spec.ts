import { Type, type Static } from '@sinclair/typebox';
import { PortalBootstrapSpecSchema } from '@hpc-ha/enginframe-config';
import { OodBrandingSpecSchema } from '../branding-yml.js';
import { OodPortalSpecSchema } from '../portal-yml.js';

const Secret = Type.Object(
  {
    secretArn: Type.String({ format: 'dt-secret-arn' }),
    /** Read this string key of a JSON secret; without it the whole SecretString is the value. */
    jsonKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' })),
  },
  { additionalProperties: false },
);
const EF = PortalBootstrapSpecSchema.properties;
const Seconds = Type.Integer({ minimum: 1, maximum: 86400 });
const ClusterName = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,59}$' });

export const OodBootstrapSpecSchema = Type.Object(
  {
    // The same deployment, storage and signal settings as the EnginFrame nodes: one definition for both portals.
    region: EF.region,
    partition: EF.partition,
    urlSuffix: EF.urlSuffix,
    /** Names the node (its ASG, its log lines); both nodes do exactly the same work. */
    nodeIndex: EF.nodeIndex,
    efs: EF.efs,
    fsx: EF.fsx,
    clusters: Type.Array(
      Type.Object(
        {
          name: ClusterName,
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\n\\r\\0]*$' })),
          /** false: the node still gets its client config, but Open OnDemand does not offer the cluster. */
          show: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    /** The cluster in this node's AZ: required at boot; its Slurm client build is copied to local disk. */
    ownCluster: ClusterName,
    mungeKeySecretArn: Type.String({ format: 'dt-secret-arn' }),
    /** Directory users through sssd (@hpc-ha/sssd-config's step, as on the EnginFrame nodes): required, since
     *  Open OnDemand runs each user's web server as that user. */
    directory: EF.directory,
    ondemand: Type.Object(
      {
        /** Exact package version, e.g. 4.2.3; its release line (4.2) picks the repository. */
        version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
        /** The project's RPM repository or a mirror of it with the same layout. */
        repositoryUrl: Type.Optional(Type.String({ pattern: '^https://[^\\s|]+[^/\\s|]$' })),
        /** Instead of a repository: a tar of the RPMs staged in S3 (or on HTTPS), checked against its SHA-256. */
        bundle: Type.Optional(
          Type.Object(
            { uri: Type.String({ format: 'dt-uri' }), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    portal: OodPortalSpecSchema,
    branding: Type.Optional(OodBrandingSpecSchema),
    secrets: Type.Object(
      {
        /** mod_auth_openidc's crypto passphrase, the same for both nodes. */
        oidcCryptoPassphrase: Secret,
        /** With `portal.dexLdap`: the directory's bind password. */
        ldapBindPassword: Type.Optional(Secret),
        /** With `portal.oidc`: the client secret at the provider. */
        oidcClientSecret: Type.Optional(Secret),
      },
      { additionalProperties: false },
    ),
    /** The directory's CA certificate, downloaded to `portal.dexLdap.rootCaFile` (default /etc/ood/dex/ldap-ca.pem). */
    ldapCaCertificate: Type.Optional(
      Type.Object(
        { uri: Type.String({ format: 'dt-uri' }), sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })) },
        { additionalProperties: false },
      ),
    ),
    signal: EF.signal,
    logFile: Type.Optional(Type.String({ format: 'abs-path' })),
    timeouts: Type.Optional(
      Type.Object(
        {
          /** Wait for this AZ's head node to publish on EFS. */
          clusterPublicationSeconds: Type.Optional(Seconds),
          pollSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
          /** Each download from the package source, and the reachability probe of a repository. */
          packageSourceSeconds: Type.Optional(Seconds),
        },
        { additionalProperties: false },
      ),
    ),
    slurm: EF.slurm,
    /** dnf packages besides Open OnDemand; the default list suits Amazon Linux 2023. */
    packages: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]*$' }), { minItems: 1 })),
    /** Minutes between cluster re-syncs; 0 disables the timer. */
    resyncMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  },
  { additionalProperties: false },
);

/** Everything an Open OnDemand node's bootstrap needs; ids, endpoints and ARNs may be deploy-time values. */
export type OodBootstrapSpec = Static<typeof OodBootstrapSpecSchema>;

export const OOD_DEFAULT_PACKAGES = [
  'amazon-efs-utils',
  'lustre-client',
  'nfs-utils',
  'munge',
  'jq',
  'tar',
  'openssl',
  'mod_ssl',
  'aws-cfn-bootstrap',
  // ldapsearch: the node checks which directory server answers before pointing Dex at it.
  'openldap-clients',
] as const;

/** Where Open OnDemand publishes its RPMs (one directory per release line). */
export const OOD_REPOSITORY_URL = 'https://yum.osc.edu/ondemand';
export const DEFAULT_LDAP_CA_FILE = '/etc/ood/dex/ldap-ca.pem';
/** What the load balancer's health check asks for (Open OnDemand's public_uri /public serves public_root
 *  /var/www/ood/public without login): present while this node can log users in, absent otherwise. */
export const OOD_HEALTH_CHECK_PATH = '/public/hpc-ha-health';
export const OOD_HEALTH_FILE = '/var/www/ood/public/hpc-ha-health';
