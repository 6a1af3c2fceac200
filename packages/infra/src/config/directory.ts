import type { DirectoryConfigFile } from './directory-schema.js';

export const DIRECTORY_TYPES = ['none', 'activeDirectory', 'ldap'] as const;
export type DirectoryType = (typeof DIRECTORY_TYPES)[number];

/** sssd's `ldap_tls_reqcert` values; ParallelCluster's `LdapTlsReqCert` takes the same set and defaults to `hard`. */
export const LDAP_TLS_REQCERT = ['never', 'allow', 'try', 'demand', 'hard'] as const;
export type LdapTlsReqCert = (typeof LDAP_TLS_REQCERT)[number];

/** A file the nodes fetch and check before use. */
export interface VerifiedFile {
  readonly uri: string;
  readonly sha256?: string;
}

/**
 * Every directory user's home: on the shared EFS (mounted at /efs on portal and cluster nodes), the same path on
 * every node. Not /home: ParallelCluster refuses the same file system twice in SharedStorage, and /efs is taken.
 */
export const DIRECTORY_HOME_ROOT = '/efs/home';

/** What every node needs to reach the directory; identical for portal nodes and both clusters. */
interface DirectoryConnection {
  /** ldaps:// URIs; empty for a directory the stack creates (its domain controllers are known at deploy time). */
  readonly uris: readonly string[];
  readonly baseDn: string;
  readonly bindDn: string;
  /** SecretString = the bind password as plain text, as ParallelCluster's DirectoryService.PasswordSecretArn expects. */
  readonly bindPasswordSecretArn: string;
  readonly caCertificate?: VerifiedFile;
  readonly ldapTlsReqCert: LdapTlsReqCert;
  /** Members of this directory group administer the portal. */
  readonly adminGroup: string;
  /** DNs of the groups whose members may use the platform; empty: every directory user. */
  readonly allowedGroups: readonly string[];
  /** Extra sssd [domain] options, applied on portal and cluster nodes alike. */
  readonly sssdSettings: Readonly<Record<string, string>>;
  /** sssd override_homedir: DIRECTORY_HOME_ROOT/%u. */
  readonly homeDirectory: string;
}

export interface LdapDirectory extends DirectoryConnection {
  readonly type: 'ldap';
}

export interface ActiveDirectory extends DirectoryConnection {
  readonly type: 'activeDirectory';
  /** FQDN or DC= form, as written. */
  readonly domainName: string;
  /** Set when the stack creates an AWS Managed Microsoft AD in the two private subnets. */
  readonly create?: { readonly netbiosName: string };
}

/** The `directory:` section after defaults: `{ type: 'none' }` keeps today's local-accounts-only behaviour. */
export type DirectoryConfig = { readonly type: 'none' } | LdapDirectory | ActiveDirectory;

/** The NetBIOS name given to an AWS Managed Microsoft AD: the first label of the domain, upper-case (at most 15 characters). */
export function netbiosName(domainName: string): string {
  return domainName.split('.')[0]!.toUpperCase();
}

/** DC=corp,DC=example,DC=com for corp.example.com; a DC= name is kept as written. */
export function domainBaseDn(domainName: string): string {
  return domainName.includes('=') ? domainName : domainName.split('.').map((label) => `DC=${label}`).join(',');
}

/** Where AWS Managed Microsoft AD keeps the users an administrator creates: OU=Users,OU=<NETBIOS>,DC=…. */
export function managedAdUsersOu(domainName: string): string {
  return `OU=Users,OU=${netbiosName(domainName)},${domainBaseDn(domainName)}`;
}

/** Fills defaults of a `directory:` section the loader's checks have passed. */
export function resolveDirectory(d: DirectoryConfigFile): DirectoryConfig {
  if (d.type === 'none') return { type: 'none' };
  const connection = {
    uris: d.uris ?? [],
    bindPasswordSecretArn: d.bindPasswordSecretArn!,
    ...(d.caCertificate ? { caCertificate: d.caCertificate } : {}),
    ldapTlsReqCert: d.ldapTlsReqCert ?? 'hard',
    adminGroup: d.adminGroup!,
    allowedGroups: d.allowedGroups ?? [],
    sssdSettings: d.sssdSettings ?? {},
    homeDirectory: `${DIRECTORY_HOME_ROOT}/%u`,
  };
  if (d.type === 'ldap') return { type: 'ldap', ...connection, baseDn: d.baseDn!, bindDn: d.bindDn! };
  const domainName = d.domainName!;
  const create = d.create === true ? { netbiosName: netbiosName(domainName) } : undefined;
  return {
    type: 'activeDirectory',
    domainName,
    ...connection,
    baseDn: d.baseDn ?? domainBaseDn(domainName),
    bindDn: d.bindDn ?? `CN=ReadOnlyUser,${managedAdUsersOu(domainName)}`,
    ...(create ? { create } : {}),
  };
}
