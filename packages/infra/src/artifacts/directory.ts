import type { PortalBootstrapSpec } from '@hpc-ha/enginframe-config';
import type { ClusterSpec } from '@hpc-ha/pcluster-config';
import { clusterSssdOverrides, type SssdSpec } from '@hpc-ha/sssd-config';
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

/** The one sssd view of the directory that portal nodes and (through AdditionalSssdConfigs) cluster nodes share. */
export function sssdSpec(config: Pick<DeploymentConfig, 'directory'>, values: Pick<ClusterValues, 'directoryAddresses'>): SssdSpec | undefined {
  const d = directoryOf(config);
  if (!d) return undefined;
  return {
    schema: d.type === 'ldap' ? 'rfc2307' : 'ad',
    ldapUris: uris(d, values),
    searchBase: d.baseDn,
    bindDn: d.bindDn,
    tlsReqCert: d.ldapTlsReqCert,
    ...(d.caCertificate ? { caCertFile: DIRECTORY_CA_FILE } : {}),
    homeDirectory: d.homeDirectory,
    ...(Object.keys(d.sssdSettings).length > 0 ? { extraOptions: { ...d.sssdSettings } } : {}),
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
  return {
    domainName: d.type === 'activeDirectory' ? d.domainName : dcSuffix(d.baseDn),
    addresses: sssd.ldapUris,
    passwordSecretArn: d.bindPasswordSecretArn,
    readOnlyUser: d.bindDn,
    ...(sssd.caCertFile ? { ldapTlsCaCert: sssd.caCertFile } : {}),
    ldapTlsReqCert: d.ldapTlsReqCert,
    additionalSssdConfigs: clusterSssdOverrides(sssd),
  };
}
