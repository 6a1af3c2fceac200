import { Type, type Static } from '@sinclair/typebox';
import { ClusterName, NODE_BASE_PACKAGES, NODE_SPEC_PROPERTIES, NODE_TIMEOUT_PROPERTIES, PackageList } from '@hpc-ha/portal-node';
import { OodBrandingSpecSchema } from '../branding-yml.js';
import { OodDesktopSpecSchema } from '../desktop-app.js';
import { OodPortalSpecSchema } from '../portal-yml.js';

const Secret = Type.Object(
  {
    secretArn: Type.String({ format: 'dt-secret-arn' }),
    /** Read this string key of a JSON secret; without it the whole SecretString is the value. */
    jsonKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,128}$' })),
  },
  { additionalProperties: false },
);

export const OodBootstrapSpecSchema = Type.Object(
  {
    // Storage, metadata firewall, munge, Slurm client, sssd, signal and re-sync: the settings every portal node shares.
    // `directory` is required here, since Open OnDemand runs each user's web server as that user.
    ...NODE_SPEC_PROPERTIES,
    clusters: Type.Array(
      Type.Object(
        {
          name: ClusterName,
          label: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\n\\r\\0]*$' })),
          /** false: the node still gets its client config, but Open OnDemand does not offer the cluster. */
          show: Type.Optional(Type.Boolean()),
          /** Offer the Desktop app on this cluster (shown clusters only; its compute nodes have the desktop packages). */
          desktop: Type.Optional(Type.Omit(OodDesktopSpecSchema, ['cluster', 'title'], { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
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
    timeouts: Type.Optional(Type.Object({ ...NODE_TIMEOUT_PROPERTIES }, { additionalProperties: false })),
    /** dnf packages besides Open OnDemand; the default list suits Amazon Linux 2023. */
    packages: Type.Optional(PackageList),
  },
  { additionalProperties: false },
);

/** Everything an Open OnDemand node's bootstrap needs; ids, endpoints and ARNs may be deploy-time values. */
export type OodBootstrapSpec = Static<typeof OodBootstrapSpecSchema>;

/**
 * What every portal node needs (@hpc-ha/portal-node), then tar (bundles), openssl (the node certificate), mod_ssl, and
 * ldapsearch (the node checks which directory server answers before pointing Dex at it).
 */
export const OOD_DEFAULT_PACKAGES = [...NODE_BASE_PACKAGES, 'tar', 'openssl', 'mod_ssl', 'openldap-clients'] as const;

/** Where Open OnDemand publishes its RPMs (one directory per release line). */
export const OOD_REPOSITORY_URL = 'https://yum.osc.edu/ondemand';
export const DEFAULT_LDAP_CA_FILE = '/etc/ood/dex/ldap-ca.pem';
/** What the load balancer's health check asks for (Open OnDemand's public_uri /public serves public_root
 *  /var/www/ood/public without login): present while this node can log users in, absent otherwise. */
export const OOD_HEALTH_CHECK_PATH = '/public/hpc-ha-health';
export const OOD_HEALTH_FILE = '/var/www/ood/public/hpc-ha-health';
