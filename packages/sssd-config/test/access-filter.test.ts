import { describe, expect, it } from 'vitest';
import { SssdSpecError, escapeLdapFilterValue, ldapAccessFilter } from '../src/index.js';

describe('ldapAccessFilter', () => {
  it('matches members of one group by memberOf, or of any of several', () => {
    expect(ldapAccessFilter({ schema: 'rfc2307', groupDns: ['cn=hpc,ou=groups,dc=example,dc=com'] })).toBe('(memberOf=cn=hpc,ou=groups,dc=example,dc=com)');
    expect(ldapAccessFilter({ schema: 'rfc2307', groupDns: ['cn=a,dc=x', 'cn=b,dc=x'] })).toBe('(|(memberOf=cn=a,dc=x)(memberOf=cn=b,dc=x))');
  });

  it('follows nested groups in Active Directory (matching rule in chain)', () => {
    expect(ldapAccessFilter({ schema: 'ad', groupDns: ['CN=HPC Users,OU=Groups,DC=corp,DC=example,DC=com'] })).toBe(
      '(memberOf:1.2.840.113556.1.4.1941:=CN=HPC Users,OU=Groups,DC=corp,DC=example,DC=com)',
    );
  });

  it('escapes what a filter would read as syntax (RFC 4515), DN escapes included', () => {
    expect(escapeLdapFilterValue('a*b(c)d\\e')).toBe('a\\2ab\\28c\\29d\\5ce');
    expect(ldapAccessFilter({ schema: 'ad', groupDns: ['CN=Smith\\, John (HPC),DC=corp'] })).toBe('(memberOf:1.2.840.113556.1.4.1941:=CN=Smith\\5c, John \\28HPC\\29,DC=corp)');
  });

  it('refuses an empty list, a name that is not a DN, a line break and a duplicate, listing each', () => {
    expect(() => ldapAccessFilter({ schema: 'rfc2307', groupDns: [] })).toThrow(SssdSpecError);
    try {
      ldapAccessFilter({ schema: 'rfc2307', groupDns: ['hpc-users', 'cn=a\n,dc=x', 'cn=b,dc=x', 'cn=b,dc=x'] });
      expect.unreachable();
    } catch (e) {
      expect((e as SssdSpecError).problems).toEqual([
        '/groupDns/0: "hpc-users" is not a distinguished name',
        '/groupDns/1: "cn=a\\n,dc=x" is not a distinguished name',
        '/groupDns/3: "cn=b,dc=x" is listed twice',
      ]);
    }
  });
});
