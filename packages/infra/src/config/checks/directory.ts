import { netbiosName } from '../directory.js';
import { parsePclusterVersion } from '../parallelcluster.js';
import type { PathSegment } from '../paths.js';
import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import { containsAddress, formatCidr, parseIpv4, subnetLayout } from '../subnet-layout.js';
import { checkArn, SECRET } from './arns.js';
import { checkSha, checkUri } from './artifacts.js';
import type { Report } from './report.js';
import { quote } from './report.js';

type Directory = DeploymentConfigFile['directory'];
type DirectoryKey = keyof Directory;

const AT = (...rest: PathSegment[]): PathSegment[] => ['directory', ...rest];

/** ParallelCluster's DomainNameValidator accepts these two forms. */
const FQDN = /^[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*$/;
const DC_DN = /^(DC|dc)=[a-zA-Z0-9_-]+(,(DC|dc)=[a-zA-Z0-9_-]+)*$/;
/** attr=value pairs separated by commas; values may contain escaped commas (\,). */
const DN = /^[A-Za-z][A-Za-z0-9-]*=(?:[^,\\\n]|\\.)+(?:,\s*[A-Za-z][A-Za-z0-9-]*=(?:[^,\\\n]|\\.)+)*$/;
const SSSD_OPTION = /^[a-z][a-z0-9_]*$/;
/** sssd.conf has no quoting: a value runs to the end of its line. */
const SSSD_VALUE = /^[^\n\r]*$/;

/** Keys that each type uses; any other key present is a mistake worth an error (it would be silently ignored). */
const KEYS: Record<Exclude<Directory['type'], 'none'>, readonly DirectoryKey[]> = {
  ldap: ['type', 'uris', 'baseDn', 'bindDn', 'bindPasswordSecretArn', 'caCertificate', 'ldapTlsReqCert', 'adminGroup', 'allowedGroups', 'sssdSettings'],
  activeDirectory: [
    'type', 'domainName', 'create', 'uris', 'baseDn', 'bindDn', 'bindPasswordSecretArn', 'caCertificate', 'ldapTlsReqCert', 'adminGroup', 'allowedGroups', 'sssdSettings',
  ],
};

/**
 * sssd options hpc-ha sets from a dedicated key (so the portal and the clusters agree), or must never take from a
 * config file: the bind password would then sit in plain text in hpc-ha.yaml, the template and the cluster config.
 */
const OWNED_SSSD_OPTIONS: Record<string, string> = {
  id_provider: 'it is always ldap (ParallelCluster refuses anything else)',
  ldap_uri: 'set directory.uris',
  ldap_search_base: 'set directory.baseDn',
  ldap_default_bind_dn: 'set directory.bindDn',
  ldap_default_authtok: 'the bind password must stay in Secrets Manager: set directory.bindPasswordSecretArn',
  ldap_default_authtok_type: 'the bind password is always read from Secrets Manager',
  ldap_tls_reqcert: 'set directory.ldapTlsReqCert',
  ldap_tls_cacert: 'set directory.caCertificate',
  override_homedir: 'every user’s home is <efs>/home/<user>, the same on portal and cluster nodes',
};

function checkRequired(d: Directory, key: DirectoryKey, why: string, r: Report): boolean {
  if (d[key] !== undefined) return true;
  r.error(AT('type'), `${d.type} needs directory.${key} (${why})`);
  return false;
}

function checkUris(d: Directory, c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const uris = d.uris ?? [];
  if (uris.length === 0) {
    r.error(AT('uris'), 'needs at least one ldaps:// URI of a directory server (one per Availability Zone recommended)');
    return;
  }
  const hosts: string[] = [];
  uris.forEach((text, i) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      r.error(AT('uris', i), `${quote(text)} is not a URI; write ldaps://<host>[:<port>]`);
      return;
    }
    if (url.protocol === 'ldap:') {
      r.error(AT('uris', i), `${quote(text)} is plain LDAP: passwords would cross the network unencrypted; use ldaps:// (port 636)`);
    } else if (url.protocol !== 'ldaps:') {
      r.error(AT('uris', i), `${quote(text)} must start with ldaps://`);
    } else if (!url.hostname || (url.pathname !== '' && url.pathname !== '/') || url.search || url.username) {
      r.error(AT('uris', i), `${quote(text)} must be ldaps://<host>[:<port>] with nothing after the port`);
    } else if (hosts.includes(url.host)) {
      r.error(AT('uris', i), `${quote(text)} is listed twice`);
    } else {
      hosts.push(url.host);
    }
  });
  if (hosts.length !== uris.length) return;
  if (uris.length === 1) {
    r.warning(AT('uris'), 'lists one directory server: if its Availability Zone fails, nobody can log in to either portal node or start jobs; list one server per AZ');
    return;
  }
  // Addresses inside the VPC tell their AZ; if every one is in the same AZ, losing that AZ loses all logins.
  const layout = subnetLayout(c.network.vpcCidr);
  const azs = c.network.availabilityZones ?? profile?.availabilityZones.slice(0, 2);
  if (!layout || !azs) return;
  const azOf = (host: string): number | undefined => {
    const ip = parseIpv4(host.replace(/:\d+$/, ''));
    if (ip === undefined) return undefined;
    const i = [0, 1].find((k) => containsAddress(layout.private[k]!, ip) || containsAddress(layout.public[k]!, ip));
    return i;
  };
  const zones = hosts.map(azOf);
  if (zones.every((z) => z !== undefined) && new Set(zones).size === 1) {
    const k = zones[0]!;
    r.warning(
      AT('uris'),
      `every directory server is in ${azs[k] ?? `AZ ${k + 1}`} (${formatCidr(layout.private[k]!)}): if that AZ fails, nobody can log in to the other AZ’s portal node; add a server in the other AZ`,
    );
  }
}

function checkSssdSettings(d: Directory, r: Report): void {
  for (const [key, value] of Object.entries(d.sssdSettings ?? {})) {
    if (!SSSD_OPTION.test(key)) r.error(AT('sssdSettings', key), `${quote(key)} is not an sssd option name (lower-case letters, digits and _)`, 'key');
    else if (Object.hasOwn(OWNED_SSSD_OPTIONS, key)) r.error(AT('sssdSettings', key), `${key} cannot be set here: ${OWNED_SSSD_OPTIONS[key]}`, 'key');
    if (!SSSD_VALUE.test(value)) r.error(AT('sssdSettings', key), 'must be one line (sssd.conf values end at the line break)');
  }
}

/** allowedGroups: group DNs, each once; the one access filter, so sssdSettings may not carry another. */
function checkAllowedGroups(d: Directory, r: Report): void {
  const groups = d.allowedGroups;
  if (groups === undefined) return;
  groups.forEach((dn, i) => {
    if (!DN.test(dn)) r.error(AT('allowedGroups', i), `${quote(dn)} is not a group's distinguished name such as CN=HPC Users,OU=Groups,DC=corp,DC=example,DC=com`);
    else if (groups.indexOf(dn) !== i) r.error(AT('allowedGroups', i), `${quote(dn)} is listed twice`);
  });
  for (const key of ['ldap_access_filter', 'access_provider']) {
    if (d.sssdSettings?.[key] !== undefined) {
      r.error(AT('sssdSettings', key), `cannot be set with directory.allowedGroups, which sets it (the same filter for the portal login, sssd and the clusters)`, 'key');
    }
  }
}

function checkDn(key: 'baseDn' | 'bindDn', d: Directory, r: Report): void {
  const v = d[key];
  if (v !== undefined && !DN.test(v)) r.error(AT(key), `${quote(v)} is not a distinguished name such as CN=ReadOnly,OU=Users,DC=corp,DC=example,DC=com`);
}

/** Rules for `directory:` that the schema cannot express. */
export function checkDirectory(c: DeploymentConfigFile, profile: RegionProfile | undefined, r: Report): void {
  const d = c.directory;
  if (d.type === 'none') {
    const extra = Object.keys(d).filter((k) => k !== 'type');
    if (extra.length > 0) r.error(AT(extra[0]!), `is only used with a directory; set directory.type to activeDirectory or ldap, or remove it`, 'key');
    return;
  }
  for (const key of Object.keys(d) as DirectoryKey[]) {
    if (!KEYS[d.type].includes(key)) r.error(AT(key), `is not used with type: ${d.type}${key === 'create' ? ' (create: true makes an AWS Managed Microsoft AD; use type: activeDirectory)' : ''}`, 'key');
  }

  const v = parsePclusterVersion(c.clusters.parallelclusterVersion);
  if (v?.major === 2) {
    r.error(AT('type'), `ParallelCluster ${c.clusters.parallelclusterVersion} has no DirectoryService (it came in 3.1.1); use ParallelCluster 3.x or directory.type: none`);
  }

  const creating = d.type === 'activeDirectory' && d.create === true;
  if (d.type === 'activeDirectory' && checkRequired(d, 'domainName', 'the AD domain, e.g. corp.example.com', r)) {
    const name = d.domainName!;
    if (!FQDN.test(name) && !DC_DN.test(name)) {
      r.error(AT('domainName'), `${quote(name)} is neither a domain name (corp.example.com) nor a DC= name (DC=corp,DC=example,DC=com)`);
    } else if (creating && !FQDN.test(name)) {
      r.error(AT('domainName'), `create: true needs the new directory's DNS name such as corp.example.com, not ${quote(name)}`);
    } else if (creating && (!name.includes('.') || netbiosName(name).length > 15)) {
      r.error(AT('domainName'), `${quote(name)} cannot name an AWS Managed Microsoft AD: use at least two labels, the first at most 15 characters (it becomes the NetBIOS name)`);
    }
  }
  if (d.type === 'ldap' && checkRequired(d, 'baseDn', 'the search base of users and groups, e.g. dc=example,dc=com', r)) {
    // ParallelCluster's DomainName is an FQDN or a DC= name; hpc-ha gives it the DC= part of the base DN.
    if (DN.test(d.baseDn!) && !/(^|,)\s*dc=/i.test(d.baseDn!)) {
      r.error(AT('baseDn'), `${quote(d.baseDn)} has no dc= part, which ParallelCluster's DirectoryService needs as DomainName`);
    }
  }
  if (!creating) checkRequired(d, 'bindDn', 'the DN of a read-only user that sssd binds as', r);
  checkDn('baseDn', d, r);
  checkDn('bindDn', d, r);

  if (checkRequired(d, 'bindPasswordSecretArn', 'a Secrets Manager secret whose SecretString is the bind password as plain text, the form ParallelCluster reads', r)) {
    checkArn(AT('bindPasswordSecretArn'), d.bindPasswordSecretArn!, SECRET, c, profile, r);
  }
  if (checkRequired(d, 'adminGroup', 'the directory group whose members administer the portal', r)) {
    if (!/^[^\s:,][^:,\n]{0,255}$/.test(d.adminGroup!)) r.error(AT('adminGroup'), `${quote(d.adminGroup)} is not a group name (1 to 256 characters, no ":" or ",")`);
  }

  if (creating) {
    if (d.uris !== undefined) r.error(AT('uris'), 'is not used with create: true: the nodes use the new directory’s domain controllers (one per AZ)', 'key');
  } else {
    checkUris(d, c, profile, r);
  }
  if (d.caCertificate) {
    checkUri(AT('caCertificate', 'uri'), d.caCertificate.uri, profile, r);
    checkSha(AT('caCertificate', 'sha256'), d.caCertificate.sha256, r);
  }
  if (d.ldapTlsReqCert !== undefined && d.ldapTlsReqCert !== 'hard' && d.ldapTlsReqCert !== 'demand') {
    r.warning(AT('ldapTlsReqCert'), `${d.ldapTlsReqCert} lets a server without a valid certificate see every password typed at the portal; use hard or demand (with caCertificate)`);
  }
  checkSssdSettings(d, r);
  checkAllowedGroups(d, r);
}
