import { Type, type Static } from '@sinclair/typebox';
import { throwIfProblems, validateSpec, type SpecProblem } from '@hpc-ha/portal-node';
import { OOD_BOOT_VALUES } from './boot-values.js';
import { toYamlText } from './yaml-text.js';

const AbsPath = Type.String({ format: 'abs-path' });
const Text = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\n\\r\\0]*$' });
const HOST_PORT = '[A-Za-z0-9.${}\\[\\]:<>_-]+:\\d{1,5}';
const Dn = Type.String({ minLength: 3, maxLength: 1024, pattern: '^[^\\n\\r\\0]*=[^\\n\\r\\0]*$' });

export const DexLdapSchema = Type.Object(
  {
    /** `ldap`: RFC 2307 (posixAccount/posixGroup); `activeDirectory`: sAMAccountName and group `member`. */
    directoryType: Type.Union([Type.Literal('ldap'), Type.Literal('activeDirectory')]),
    /** LDAPS server as `host:port` (Dex takes one host): the one in the node's own AZ. The bootstrap renders the
     *  boot-value marker here instead and fills in whichever of `host` and `failoverHosts` answers. */
    host: Type.String({ pattern: `^(?:${HOST_PORT}|${OOD_BOOT_VALUES.ldapHost})$` }),
    /** Further LDAPS servers, in order, that the node switches Dex to while `host` does not answer (bootstrap only). */
    failoverHosts: Type.Optional(Type.Array(Type.String({ pattern: `^${HOST_PORT}$` }), { maxItems: 8 })),
    bindDn: Dn,
    /** Where users and groups are searched from (the directory's base DN, or an OU under it). */
    userBaseDn: Dn,
    groupBaseDn: Type.Optional(Dn),
    /** Who may log in: an LDAP filter on the user entry (e.g. `(memberOf=cn=hpc,ou=groups,dc=example,dc=com)`), added
     *  to the user search, so Dex finds no one outside it ("invalid username or password"). */
    accessFilter: Type.Optional(Type.String({ minLength: 3, maxLength: 4096, pattern: '^\\([^\\n\\r\\0]*\\)$' })),
    /** PEM file of the CA that signed the LDAP server's certificate; the system trust store otherwise. */
    rootCaFile: Type.Optional(AbsPath),
  },
  { additionalProperties: false },
);

export const ExternalOidcSchema = Type.Object(
  {
    /** `https://.../.well-known/openid-configuration` of the provider. */
    metadataUrl: Type.String({ pattern: '^https://[^\\s/]+/\\S*\\.well-known/openid-configuration$' }),
    clientId: Text,
    /** The claim that carries the directory user name (default `preferred_username`). */
    remoteUserClaim: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]+$' })),
    /** Lua pattern mapping the claim to the system user (default: the whole claim). */
    userMapMatch: Type.Optional(Text),
    scope: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_:. -]+$' })),
  },
  { additionalProperties: false },
);

export const OodPortalSpecSchema = Type.Object(
  {
    /** The name browsers use (the load balancer's DNS name, or a custom domain pointing at it). */
    serverName: Type.String({ format: 'dt-host' }),
    /** More names Apache serves as the portal instead of redirecting to `serverName` (`server_aliases`). */
    serverAliases: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9.:@_-]+$' }), { maxItems: 8 })),
    /** The node's own TLS pair behind the load balancer (self-signed at boot when absent). */
    certificate: Type.Optional(Type.Object({ certFile: AbsPath, keyFile: AbsPath }, { additionalProperties: false })),
    /** Log out after this long without a request (mod_auth_openidc session inactivity). */
    idleTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 300, maximum: 604800 })),
    /** Log out after this long whatever the activity. */
    maxSessionSeconds: Type.Optional(Type.Integer({ minimum: 300, maximum: 2592000 })),
    /** nginx_stage's root pre-hook (`pun_pre_hook_root_cmd`): run as `<path> --user <name>` before each user's web
     *  server starts; the bootstrap installs one that creates the user's home. */
    punPreHookRootCmd: Type.Optional(AbsPath),
    /** Shown on the Dex login page. */
    title: Type.Optional(Text),
    /** Exactly one of: Dex (shipped with Open OnDemand) with an LDAP connector, or an external OpenID Connect provider. */
    dexLdap: Type.Optional(DexLdapSchema),
    oidc: Type.Optional(ExternalOidcSchema),
    /** Interactive apps: `/node` and `/rnode` proxy to hosts matching this PCRE (e.g. desktop-app.ts's computeHostRegex). */
    nodeProxyHostRegex: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, pattern: '^[^\\s/"]+$' })),
  },
  { additionalProperties: false },
);

export type OodPortalSpec = Static<typeof OodPortalSpecSchema>;
export type DexLdapSpec = Static<typeof DexLdapSchema>;

export const DEFAULT_CERTIFICATE = {
  certFile: '/etc/pki/tls/certs/hpc-ha-portal.crt',
  keyFile: '/etc/pki/tls/private/hpc-ha-portal.key',
} as const;
const DEFAULT_SESSION_SECONDS = 28800;

/** Dex's LDAP connector, per the Dex LDAP documentation, for the two directory kinds issue #15 configures. */
function ldapConnector(ldap: DexLdapSpec, title: string | undefined): Record<string, unknown> {
  const ad = ldap.directoryType === 'activeDirectory';
  const users = ad ? '(&(objectClass=user)(!(objectClass=computer)))' : '(objectClass=posixAccount)';
  const userFilter = ldap.accessFilter ? `(&${users}${ldap.accessFilter})` : users;
  return {
    type: 'ldap',
    id: 'ldap',
    name: title ?? (ad ? 'Active Directory' : 'LDAP'),
    config: {
      host: ldap.host,
      insecureNoSSL: false,
      insecureSkipVerify: false,
      ...(ldap.rootCaFile ? { rootCA: ldap.rootCaFile } : {}),
      bindDN: ldap.bindDn,
      bindPW: OOD_BOOT_VALUES.ldapBindPassword,
      usernamePrompt: 'Username',
      userSearch: ad
        ? {
            baseDN: ldap.userBaseDn,
            filter: userFilter,
            username: 'sAMAccountName',
            idAttr: 'sAMAccountName',
            emailAttr: 'userPrincipalName',
            nameAttr: 'displayName',
            preferredUsernameAttr: 'sAMAccountName',
          }
        : {
            baseDN: ldap.userBaseDn,
            filter: userFilter,
            username: 'uid',
            idAttr: 'uid',
            emailAttr: 'mail',
            nameAttr: 'cn',
            preferredUsernameAttr: 'uid',
          },
      groupSearch: ad
        ? {
            baseDN: ldap.groupBaseDn ?? ldap.userBaseDn,
            filter: '(objectClass=group)',
            userMatchers: [{ userAttr: 'DN', groupAttr: 'member' }],
            nameAttr: 'cn',
          }
        : {
            baseDN: ldap.groupBaseDn ?? ldap.userBaseDn,
            filter: '(objectClass=posixGroup)',
            userMatchers: [{ userAttr: 'uid', groupAttr: 'memberUid' }],
            nameAttr: 'cn',
          },
    },
  };
}

/**
 * `/etc/ood/config/ood_portal.yml` for one portal node behind the load balancer: TLS on 443 with the node's own
 * certificate (the load balancer terminates the users' TLS and re-encrypts), the browser-facing name as
 * `servername`/`proxy_server`, session timeouts, and the authentication: Dex behind Apache (`/dex`) with an LDAP
 * connector, or an external OpenID Connect provider. Secrets are boot-value markers (see `OOD_BOOT_VALUES`).
 *
 * With Dex, mod_auth_openidc's back-channel calls (discovery, token, keys) go to `https://<servername>/dex`; the
 * bootstrap points that name at the node itself, so they reach this node's Dex (which issued the code) and not the
 * other node's through the load balancer, and `OIDCCABundlePath` trusts exactly this node's certificate.
 */
export function renderOodPortalYml(input: OodPortalSpec): string {
  const spec = validateSpec(OodPortalSpecSchema, input, 'Open OnDemand portal spec');
  const problems: SpecProblem[] = [];
  if ((spec.dexLdap === undefined) === (spec.oidc === undefined))
    problems.push({ path: '/dexLdap', message: 'give exactly one of dexLdap and oidc' });
  throwIfProblems('Open OnDemand portal spec', problems);

  const cert = spec.certificate ?? DEFAULT_CERTIFICATE;
  const out: Record<string, unknown> = {
    servername: spec.serverName,
    ...(spec.serverAliases ? { server_aliases: spec.serverAliases } : {}),
    proxy_server: spec.serverName,
    port: 443,
    ssl: [`SSLCertificateFile "${cert.certFile}"`, `SSLCertificateKeyFile "${cert.keyFile}"`],
    ...(spec.punPreHookRootCmd ? { pun_pre_hook_root_cmd: spec.punPreHookRootCmd } : {}),
  };
  if (spec.oidc) {
    Object.assign(out, {
      oidc_uri: '/oidc',
      oidc_provider_metadata_url: spec.oidc.metadataUrl,
      oidc_client_id: spec.oidc.clientId,
      oidc_client_secret: OOD_BOOT_VALUES.oidcClientSecret,
      oidc_remote_user_claim: spec.oidc.remoteUserClaim ?? 'preferred_username',
      ...(spec.oidc.scope ? { oidc_scope: spec.oidc.scope } : {}),
      ...(spec.oidc.userMapMatch ? { user_map_match: spec.oidc.userMapMatch } : {}),
      auth: ['AuthType openid-connect', 'Require valid-user'],
    });
  }
  Object.assign(out, {
    oidc_crypto_passphrase: OOD_BOOT_VALUES.oidcCryptoPassphrase,
    oidc_session_inactivity_timeout: spec.idleTimeoutSeconds ?? DEFAULT_SESSION_SECONDS,
    oidc_session_max_duration: spec.maxSessionSeconds ?? Math.max(DEFAULT_SESSION_SECONDS, spec.idleTimeoutSeconds ?? 0),
  });
  if (spec.nodeProxyHostRegex) Object.assign(out, { host_regex: spec.nodeProxyHostRegex, node_uri: '/node', rnode_uri: '/rnode' });
  if (spec.dexLdap) {
    Object.assign(out, {
      oidc_settings: { OIDCCABundlePath: cert.certFile },
      dex_uri: '/dex',
      dex: {
        connectors: [ldapConnector(spec.dexLdap, spec.title)],
        ...(spec.title ? { frontend: { issuer: spec.title } } : {}),
      },
    });
  }
  return toYamlText(out, 'Open OnDemand portal (generated by @hpc-ha/ondemand-config; rewritten at every boot).\nSecrets are filled in on the node from Secrets Manager; this file is root-only there.');
}
