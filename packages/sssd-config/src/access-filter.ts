import { SssdSpecError } from './validate.js';

/**
 * The LDAP matching rule "in chain" (LDAP_MATCHING_RULE_IN_CHAIN) of Active Directory: memberOf matches through
 * nested groups, as AD administrators expect group membership to work.
 */
export const AD_IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** RFC 4515 escaping of an assertion value: `\`, `*`, `(`, `)` and NUL as `\xx`. */
export function escapeLdapFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface AccessFilterSpec {
  /** rfc2307: the directory keeps memberOf on user entries (OpenLDAP's memberof overlay, 389 DS, FreeIPA); ad: Active Directory. */
  readonly schema: 'rfc2307' | 'ad';
  /** Distinguished names of the groups whose members may use the platform. */
  readonly groupDns: readonly string[];
}

/**
 * One LDAP filter on a user entry that matches members of any of the groups: the same string for Dex's user search
 * (portal login), sssd's `ldap_access_filter` (portal nodes) and ParallelCluster's `LdapAccessFilter` (clusters).
 */
export function ldapAccessFilter(spec: AccessFilterSpec): string {
  const problems: string[] = [];
  if (spec.groupDns.length === 0) problems.push('/groupDns: list at least one group');
  spec.groupDns.forEach((dn, i) => {
    if (!/^[^\n\r\0=]+=[^\n\r\0]+$/.test(dn)) problems.push(`/groupDns/${i}: ${JSON.stringify(dn)} is not a distinguished name`);
    if (spec.groupDns.indexOf(dn) !== i) problems.push(`/groupDns/${i}: ${JSON.stringify(dn)} is listed twice`);
  });
  if (problems.length > 0) throw new SssdSpecError(problems);
  const attribute = spec.schema === 'ad' ? `memberOf:${AD_IN_CHAIN_RULE}:` : 'memberOf';
  const items = spec.groupDns.map((dn) => `(${attribute}=${escapeLdapFilterValue(dn)})`);
  return items.length === 1 ? items[0]! : `(|${items.join('')})`;
}
