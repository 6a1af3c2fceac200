import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ClusterSpecError, renderClusterConfig, renderLegacyIni, validateClusterConfig, type ClusterSpec } from '../src/index.js';
import { baseConfig } from './fixtures/base-config.js';
import { EXAMPLES, legacyVariant, MINIMAL } from './fixtures/example-specs.js';

const SECRET = 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:hpcha/ldap-bind-AbCdEf';
const DIRECTORY: NonNullable<ClusterSpec['directoryService']> = {
  domainName: 'dc=example,dc=com',
  addresses: ['ldaps://10.0.128.10', 'ldaps://${Token[TOKEN.77]}'],
  passwordSecretArn: SECRET,
  readOnlyUser: 'cn=readonly,dc=example,dc=com',
  ldapTlsCaCert: '/efs/hpc-ha/directory/ca.pem',
  ldapTlsReqCert: 'hard',
  additionalSssdConfigs: { override_homedir: '/efs/home/%u', ldap_schema: 'rfc2307', ldap_id_mapping: 'False' },
};

describe('DirectoryService rendering', () => {
  it('renders the section ParallelCluster reads, with the password as a secret ARN and sorted sssd settings', () => {
    const { config, yaml } = renderClusterConfig({ ...MINIMAL, region: 'cn-north-1', partition: 'aws-cn', directoryService: DIRECTORY } as ClusterSpec);
    expect((config as Record<string, unknown>).DirectoryService).toEqual({
      DomainName: 'dc=example,dc=com',
      DomainAddr: 'ldaps://10.0.128.10,ldaps://${Token[TOKEN.77]}',
      PasswordSecretArn: SECRET,
      DomainReadOnlyUser: 'cn=readonly,dc=example,dc=com',
      LdapTlsCaCert: '/efs/hpc-ha/directory/ca.pem',
      LdapTlsReqCert: 'hard',
      AdditionalSssdConfigs: { ldap_id_mapping: 'False', ldap_schema: 'rfc2307', override_homedir: '/efs/home/%u' },
    });
    expect(Object.keys(parse(yaml) as object)).toContain('DirectoryService');
    const result = validateClusterConfig(yaml, { parallelclusterVersion: '3.16.3' });
    expect(result.issues).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('leaves the section out when there is no directory', () => {
    expect(renderClusterConfig(MINIMAL).config).not.toHaveProperty('DirectoryService');
  });

  it('refuses a plain-LDAP address, a secret of another partition and a 2.x cluster', () => {
    expect(() => renderClusterConfig({ ...MINIMAL, directoryService: { ...DIRECTORY, addresses: ['ldap://10.0.128.10'] } })).toThrow(/addresses\/0|addresses\[0\]/);
    try {
      renderClusterConfig({ ...MINIMAL, region: 'cn-north-1', partition: 'aws-cn', directoryService: { ...DIRECTORY, passwordSecretArn: SECRET.replace('aws-cn', 'aws') } } as ClusterSpec);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ClusterSpecError);
      expect((e as Error).message).toMatch(/directoryService.passwordSecretArn: ARN is in partition "aws"/);
    }
    expect(() => renderLegacyIni({ ...legacyVariant(EXAMPLES[0]!.specs[0]), directoryService: DIRECTORY })).toThrow(/2.x has no DirectoryService/);
  });
});

describe('validateClusterConfig on DirectoryService (ParallelCluster directory_service_validators)', () => {
  const withDirectory = (extra: Record<string, unknown>) => {
    const c = baseConfig();
    c.DirectoryService = {
      DomainName: 'corp.example.com',
      DomainAddr: 'ldaps://dc1.corp.example.com,ldaps://dc2.corp.example.com',
      PasswordSecretArn: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:bind-AbCdEf',
      DomainReadOnlyUser: 'cn=ReadOnlyUser,ou=Users,ou=CORP,dc=corp,dc=example,dc=com',
      ...extra,
    };
    return validateClusterConfig(c);
  };
  const find = (r: ReturnType<typeof validateClusterConfig>, path: string) => r.issues.filter((i) => i.path === path);

  it('accepts a complete LDAPS configuration', () => {
    const r = withDirectory({ LdapTlsReqCert: 'hard', GenerateSshKeysForUsers: true, AdditionalSssdConfigs: { id_provider: 'ldap', debug_level: '0x1ff' } });
    expect(r.issues).toEqual([]);
  });

  it.each([
    ['a DomainName in neither form', { DomainName: 'OU=corp,DC=example' }, 'DirectoryService.DomainName', 'error', /neither a domain name/],
    ['id_provider overridden', { AdditionalSssdConfigs: { id_provider: 'files' } }, 'DirectoryService.AdditionalSssdConfigs.id_provider', 'error', /only value allowed is "ldap"/],
    ['access_provider against LdapAccessFilter', { LdapAccessFilter: '(memberOf=x)', AdditionalSssdConfigs: { access_provider: 'permit' } }, 'DirectoryService.AdditionalSssdConfigs.access_provider', 'error', /needs access_provider ldap/],
    ['an LdapAccessFilter with an unbalanced parenthesis', { LdapAccessFilter: '(memberOf=cn=hpc,dc=example,dc=com' }, 'DirectoryService.LdapAccessFilter', 'error', /missing "\)"/],
    ['an LdapAccessFilter with a raw parenthesis in a DN', { LdapAccessFilter: '(memberOf=cn=HPC (all),dc=example,dc=com)' }, 'DirectoryService.LdapAccessFilter', 'error', /unescaped "\(" in a value/],
    ['an LdapAccessFilter with a bad escape', { LdapAccessFilter: '(memberOf=cn=Smith\\, John,dc=corp)' }, 'DirectoryService.LdapAccessFilter', 'error', /two hex digits/],
    ['an LdapAccessFilter that is not attribute=value', { LdapAccessFilter: '(&(objectClass=user)(hpc-users))' }, 'DirectoryService.LdapAccessFilter', 'error', /not attribute=value/],
    ['an LdapAccessFilter with text after it', { LdapAccessFilter: '(uid=a)(uid=b)' }, 'DirectoryService.LdapAccessFilter', 'error', /unexpected text after the filter at character 8/],
    ['plain LDAP', { DomainAddr: 'ldap://dc1.corp.example.com' }, 'DirectoryService.DomainAddr', 'warning', /plain LDAP; use ldaps:\/\/ \(with ldap:\/\/, sssd also needs/],
    ['no protocol', { DomainAddr: 'dc1.corp.example.com' }, 'DirectoryService.DomainAddr', 'warning', /assumes ldaps/],
    ['certificates not checked', { LdapTlsReqCert: 'never' }, 'DirectoryService.LdapTlsReqCert', 'warning', /use hard or demand/],
    ['a missing bind user', { DomainReadOnlyUser: undefined }, 'DirectoryService.DomainReadOnlyUser', 'error', /required/],
    ['a password that is not a secret', { PasswordSecretArn: 'hunter2' }, 'DirectoryService.PasswordSecretArn', 'error', /./],
  ])('%s', (_name, extra, path, severity, message) => {
    const r = withDirectory(extra);
    const hit = find(r, path).find((i) => message.test(i.message));
    expect(hit, JSON.stringify(r.issues)).toBeDefined();
    expect(hit!.severity).toBe(severity);
    expect(r.valid).toBe(severity !== 'error');
  });

  it.each([
    ['AD nested groups', '(memberOf:1.2.840.113556.1.4.1941:=CN=HPC Users,OU=Groups,DC=corp,DC=example,DC=com)'],
    ['several groups, escaped DN characters', '(|(memberOf=cn=a\\5c\\2c b\\28x\\29,dc=t)(memberOf=cn=b,dc=t))'],
    ['sssd’s bare form', 'memberOf=cn=hpc,ou=groups,dc=example,dc=com'],
    ['presence, substrings, not', '(&(objectClass=posixAccount)(!(loginShell=/sbin/nologin))(mail=*@example.com))'],
  ])('accepts an LdapAccessFilter: %s', (_name, filter) => {
    const r = withDirectory({ LdapAccessFilter: filter });
    expect(find(r, 'DirectoryService.LdapAccessFilter')).toEqual([]);
  });

  it('refuses DirectoryService before ParallelCluster 3.1.1, which introduced it', () => {
    const r = validateClusterConfig({ ...baseConfig(), DirectoryService: { DomainName: 'corp.example.com', DomainAddr: 'ldaps://10.0.0.1', PasswordSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:x-AbCdEf', DomainReadOnlyUser: 'cn=ro,dc=corp' } }, { parallelclusterVersion: '3.1.0' });
    expect(r.issues.some((i) => i.path === 'DirectoryService' && /3\.1\.1/.test(i.message)), JSON.stringify(r.issues)).toBe(true);
  });
});
