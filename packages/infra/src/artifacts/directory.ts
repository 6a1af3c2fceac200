import type { PortalBootstrapSpec } from '@hpc-ha/enginframe-config';
import type { ClusterSpec } from '@hpc-ha/pcluster-config';
import { clusterSssdOverrides, ldapAccessFilter, type SssdSpec } from '@hpc-ha/sssd-config';
import { DIRECTORY_HOME_ROOT, type ActiveDirectory, type DeploymentConfig, type LdapDirectory } from '../config/index.js';
import type { ClusterValues } from './values.js';

/**
 * The directory's CA bundle: the portal nodes fetch and check it, then leave it on EFS, where the cluster nodes
 * (ParallelCluster's LdapTlsCaCert) read the same file.
 */
export const DIRECTORY_CA_FILE = '/efs/hpc-ha/directory/ca.pem';

type Directory = LdapDirectory | ActiveDirectory;

function directoryOf(config: Pick<DeploymentConfig, 'directory'>): Directory | undefined {
  return config.directory.type === 'none' ? undefined : config.directory;
}

/**
 * ldaps:// URIs: as configured, or, for the directory the stack creates, its DNS name: every domain controller
 * registers it, the VPC resolves it through them (DirectoryDnsForwarding), and it is the name their LDAPS
 * certificates carry, so certificate verification holds. IP addresses would fail it.
 */
function uris(d: Directory, _values: Pick<ClusterValues, 'directoryAddresses'>): string[] {
  if (d.uris.length > 0) return [...d.uris];
  if (d.type !== 'activeDirectory') throw new Error('internal error: only an Active Directory can be created');
  return [`ldaps://${d.domainName}`];
}

/**
 * Who may use the platform (directory.allowedGroups) as one LDAP filter on the user entry: Dex's user search, sssd's
 * ldap_access_filter on the portal nodes and ParallelCluster's LdapAccessFilter all get this string.
 */
export function directoryAccessFilter(config: Pick<DeploymentConfig, 'directory'>): string | undefined {
  const d = directoryOf(config);
  if (!d || d.allowedGroups.length === 0) return undefined;
  return ldapAccessFilter({ schema: d.type === 'ldap' ? 'rfc2307' : 'ad', groupDns: d.allowedGroups });
}

/** The one sssd view of the directory that portal nodes and (through AdditionalSssdConfigs) cluster nodes share. */
export function sssdSpec(config: Pick<DeploymentConfig, 'directory'>, values: Pick<ClusterValues, 'directoryAddresses'>): SssdSpec | undefined {
  const d = directoryOf(config);
  if (!d) return undefined;
  const filter = directoryAccessFilter(config);
  const extra: Record<string, string> = { ...d.sssdSettings, ...(filter ? { ldap_access_filter: filter } : {}) };
  return {
    schema: d.type === 'ldap' ? 'rfc2307' : 'ad',
    ldapUris: uris(d, values),
    searchBase: d.baseDn,
    bindDn: d.bindDn,
    tlsReqCert: d.ldapTlsReqCert,
    ...(d.caCertificate ? { caCertFile: DIRECTORY_CA_FILE } : {}),
    homeDirectory: d.homeDirectory,
    ...(Object.keys(extra).length > 0 ? { extraOptions: extra } : {}),
  };
}

export function portalDirectory(config: Pick<DeploymentConfig, 'directory'>, values: Pick<ClusterValues, 'directoryAddresses'>): PortalBootstrapSpec['directory'] {
  const d = directoryOf(config);
  const sssd = sssdSpec(config, values);
  if (!d || !sssd) return undefined;
  return {
    directoryType: d.type,
    sssd,
    bindPasswordSecretArn: d.bindPasswordSecretArn,
    ...(d.caCertificate ? { caCertificate: { ...d.caCertificate } } : {}),
    homeRoot: DIRECTORY_HOME_ROOT,
  };
}

function withoutAccessOptions(options: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).filter(([k]) => k !== 'ldap_access_filter' && k !== 'access_provider'));
}

/** DC=… components of a DN, which is the form of DomainName ParallelCluster accepts besides an FQDN. */
function dcSuffix(dn: string): string {
  return dn
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^dc=/i.test(part))
    .join(',');
}

/** ParallelCluster's DirectoryService for both clusters; sssd options make its nodes agree with the portal's. */
export function clusterDirectoryService(config: Pick<DeploymentConfig, 'directory'>, values: Pick<ClusterValues, 'directoryAddresses'>): ClusterSpec['directoryService'] {
  const d = directoryOf(config);
  const sssd = sssdSpec(config, values);
  if (!d || !sssd) return undefined;
  const filter = directoryAccessFilter(config);
  return {
    domainName: d.type === 'activeDirectory' ? d.domainName : dcSuffix(d.baseDn),
    addresses: sssd.ldapUris,
    passwordSecretArn: d.bindPasswordSecretArn,
    readOnlyUser: d.bindDn,
    ...(sssd.caCertFile ? { ldapTlsCaCert: sssd.caCertFile } : {}),
    ldapTlsReqCert: d.ldapTlsReqCert,
    // ParallelCluster's own key for the access filter (it sets access_provider = ldap itself), not a raw sssd option.
    ...(filter ? { ldapAccessFilter: filter } : {}),
    additionalSssdConfigs: filter ? withoutAccessOptions(clusterSssdOverrides(sssd)) : clusterSssdOverrides(sssd),
  };
}
