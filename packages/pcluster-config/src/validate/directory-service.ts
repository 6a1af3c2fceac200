/**
 * The offline rules ParallelCluster applies to DirectoryService (pcluster/validators/directory_service_validators.py):
 * DomainName must be an FQDN or a DC= name, each DomainAddr should be ldaps://, LdapTlsReqCert should check the
 * certificate, and AdditionalSssdConfigs may not change id_provider (nor access_provider when LdapAccessFilter is set).
 * hpc-ha adds: LdapAccessFilter must be an RFC 4515 filter (ParallelCluster passes it to sssd unchecked).
 */
import { isDeployTimeValue } from '../deploy-time.js';
import { obj, str, type Rule } from './context.js';
import { ldapFilterProblem } from './ldap-filter.js';

const FQDN = /^([a-zA-Z0-9_-]+)(\.[a-zA-Z0-9_-]+)*$/;
const DC_DN = /^((DC|dc)=[a-zA-Z0-9_-]+)(,(DC|dc)=[a-zA-Z0-9_-]+)*$/;
/** Settings ParallelCluster will not let AdditionalSssdConfigs change, with the only value allowed. */
const RESERVED: Record<string, string> = { id_provider: 'ldap' };

const directoryService: Rule = (ctx) => {
  const d = obj(ctx.config.DirectoryService);
  if (!d) return;
  const at = (key: string) => ['DirectoryService', key];

  const name = str(d.DomainName);
  if (name !== undefined && !isDeployTimeValue(name) && !FQDN.test(name) && !DC_DN.test(name)) {
    ctx.report(at('DomainName'), `"${name}" is neither a domain name (corp.example.com) nor a DC= name (DC=corp,DC=example,DC=com)`);
  }

  const addr = str(d.DomainAddr);
  const sssd = obj(d.AdditionalSssdConfigs) ?? {};
  if (addr !== undefined) {
    for (const one of addr.split(',').map((a) => a.trim())) {
      if (isDeployTimeValue(one)) continue;
      const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(one)?.[1]?.toLowerCase();
      if (scheme === undefined) {
        ctx.report(at('DomainAddr'), `"${one}" has no protocol; ParallelCluster assumes ldaps`, 'warning');
      } else if (scheme === 'ldap') {
        const tlsOff = String(sssd['ldap_auth_disable_tls_never_use_in_production'] ?? 'false').toLowerCase() === 'true';
        ctx.report(
          at('DomainAddr'),
          `"${one}" is plain LDAP; use ldaps://${tlsOff ? '' : ' (with ldap://, sssd also needs AdditionalSssdConfigs ldap_auth_disable_tls_never_use_in_production: true)'}`,
          'warning',
        );
      } else if (scheme !== 'ldaps') {
        ctx.report(at('DomainAddr'), `"${one}" uses protocol ${scheme}; ParallelCluster supports ldaps and ldap`, 'warning');
      }
    }
  }

  const reqCert = str(d.LdapTlsReqCert);
  if (reqCert !== undefined && reqCert !== 'hard' && reqCert !== 'demand') {
    ctx.report(at('LdapTlsReqCert'), `${reqCert} does not check the directory's certificate; use hard or demand`, 'warning');
  }

  for (const [key, allowed] of Object.entries(RESERVED)) {
    if (key in sssd && sssd[key] !== allowed) {
      ctx.report(['DirectoryService', 'AdditionalSssdConfigs', key], `cannot override ${key} with "${String(sssd[key])}"; the only value allowed is "${allowed}"`);
    }
  }
  const filter = str(d.LdapAccessFilter);
  const filterProblem = filter === undefined || isDeployTimeValue(filter) ? undefined : ldapFilterProblem(filter);
  if (filterProblem) ctx.report(at('LdapAccessFilter'), `${JSON.stringify(filter)} ${filterProblem}; sssd would refuse every login with it`);
  if ('access_provider' in sssd && d.LdapAccessFilter !== undefined && sssd['access_provider'] !== 'ldap') {
    ctx.report(
      ['DirectoryService', 'AdditionalSssdConfigs', 'access_provider'],
      `cannot be "${String(sssd['access_provider'])}" while LdapAccessFilter is set; LdapAccessFilter needs access_provider ldap`,
    );
  }
};

export const directoryServiceRules: readonly Rule[] = [directoryService];
