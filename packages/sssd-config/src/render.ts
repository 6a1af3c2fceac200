import { SssdSpecSchema, type SssdSpec } from './spec.js';
import { validateSpec } from './validate.js';

/** The sssd domain both portal nodes and ParallelCluster's nodes configure (ParallelCluster names it `default`). */
export const SSSD_DOMAIN = 'default';
/** Snippet the node writes at boot with the bind password (root, 0600); sssd merges conf.d/*.conf into sssd.conf. */
export const BIND_PASSWORD_SNIPPET = '/etc/sssd/conf.d/50-hpc-ha-bind-password.conf';

/** Options hpc-ha derives from dedicated spec fields; extraOptions may not replace them. */
const OWNED = new Set([
  'id_provider', 'auth_provider', 'chpass_provider', 'ldap_schema', 'ldap_uri', 'ldap_search_base', 'ldap_default_bind_dn',
  'ldap_default_authtok', 'ldap_default_authtok_type', 'ldap_tls_reqcert', 'ldap_tls_cacert', 'ldap_id_mapping', 'override_homedir',
]);

/**
 * ParallelCluster's DirectoryService sets these itself from its own keys (DomainAddr, DomainReadOnlyUser,
 * PasswordSecretArn, LdapTlsReqCert, LdapTlsCaCert) and refuses another id_provider, so they are left out of
 * AdditionalSssdConfigs.
 */
const SET_BY_PARALLELCLUSTER = new Set(['id_provider', 'ldap_uri', 'ldap_default_bind_dn', 'ldap_default_authtok', 'ldap_tls_reqcert', 'ldap_tls_cacert']);

function semanticProblems(spec: SssdSpec): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(spec.extraOptions ?? {})) {
    if (OWNED.has(key)) problems.push(`/extraOptions/${key}: is set from the spec's own fields and cannot be overridden`);
  }
  if (!spec.homeDirectory.includes('%u')) problems.push(`/homeDirectory: must contain %u, or every user would share one home`);
  return problems;
}

/** The [domain/default] options, in a fixed order (then extra options sorted), so output is byte-stable. */
export function sssdDomainOptions(input: SssdSpec): [string, string][] {
  const spec = validateSpec(SssdSpecSchema, input, semanticProblems);
  const rfc2307 = spec.schema === 'rfc2307';
  const extra = Object.entries(spec.extraOptions ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const options: [string, string][] = [
    ['id_provider', 'ldap'],
    ['auth_provider', 'ldap'],
    ['chpass_provider', 'ldap'],
    ['ldap_schema', rfc2307 ? 'rfc2307' : 'AD'],
    ['ldap_uri', spec.ldapUris.join(',')],
    ['ldap_search_base', spec.searchBase],
    ['ldap_default_bind_dn', spec.bindDn],
    ['ldap_tls_reqcert', spec.tlsReqCert ?? 'hard'],
    ...(spec.caCertFile ? ([['ldap_tls_cacert', spec.caCertFile]] as [string, string][]) : []),
    // AD users rarely carry uidNumber: sssd derives uid/gid from the SID, the same way on every node that uses the
    // same settings (ParallelCluster's default); RFC 2307 directories hold the numbers themselves.
    ['ldap_id_mapping', rfc2307 ? 'False' : 'True'],
    ['ldap_referrals', 'False'],
    ['use_fully_qualified_names', 'False'],
    ['cache_credentials', 'True'],
    ['override_homedir', spec.homeDirectory],
    ['default_shell', spec.defaultShell ?? '/bin/bash'],
  ];
  if (extra.some(([k]) => k === 'ldap_access_filter') && !extra.some(([k]) => k === 'access_provider')) {
    options.push(['access_provider', 'ldap']);
  }
  return [...options, ...extra];
}

/**
 * sssd.conf for a portal node. The bind password is never in it: the node writes it at boot, from Secrets
 * Manager, into BIND_PASSWORD_SNIPPET (root-only), which sssd merges into this domain.
 */
export function renderSssdConf(spec: SssdSpec): string {
  const domain = sssdDomainOptions(spec);
  const lines = [
    '# sssd.conf written by hpc-ha (@hpc-ha/sssd-config); rewritten at every boot, do not edit.',
    `# The bind password is not here: the node writes it at boot from Secrets Manager to ${BIND_PASSWORD_SNIPPET}.`,
    '[sssd]',
    'config_file_version = 2',
    'services = nss, pam',
    `domains = ${SSSD_DOMAIN}`,
    '',
    '[nss]',
    'filter_users = root',
    'filter_groups = root',
    '',
    '[pam]',
    'offline_credentials_expiration = 7',
    '',
    `[domain/${SSSD_DOMAIN}]`,
    ...domain.map(([k, v]) => `${k} = ${v}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * What ParallelCluster's DirectoryService.AdditionalSssdConfigs must carry so that cluster nodes resolve every
 * user exactly as the portal nodes do (same schema, id mapping, search base, home directory).
 */
export function clusterSssdOverrides(spec: SssdSpec): Record<string, string> {
  return Object.fromEntries(sssdDomainOptions(spec).filter(([k]) => !SET_BY_PARALLELCLUSTER.has(k)));
}
