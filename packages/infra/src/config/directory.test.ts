import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from './errors.js';
import { parseDeploymentConfig } from './load.js';
import { DIRECTORY_HOME_ROOT } from './directory.js';

const BASE = readFileSync(new URL('./__fixtures__/minimal.yaml', import.meta.url), 'utf8').replace(/\n*$/, '\n');
const FILE = 'hpc-ha.yaml';
/** The minimal config has 41 lines; the directory section starts on line 42. */
const FIRST = 42;
const SECRET = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ldap-bind-AbCdEf';

const LDAP = [
  'directory:',
  '  type: ldap',
  '  uris: [ldaps://10.0.128.10, ldaps://10.0.192.10]',
  '  baseDn: dc=example,dc=com',
  '  bindDn: cn=readonly,dc=example,dc=com',
  `  bindPasswordSecretArn: ${SECRET}`,
  '  adminGroup: hpc-admins',
];
const AD = [
  'directory:',
  '  type: activeDirectory',
  '  domainName: corp.example.com',
  '  uris: [ldaps://dc1.corp.example.com, ldaps://dc2.corp.example.com]',
  '  bindDn: CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
  `  bindPasswordSecretArn: ${SECRET}`,
  '  adminGroup: HPC Admins',
];

/** The directory lines with replacements (0-based index in the section → new text, '' drops the line). */
function section(lines: readonly string[], edits: Record<number, string> = {}, extra: string[] = []): string {
  const out = lines.map((l, i) => edits[i] ?? l).filter((l) => l !== '');
  return BASE + [...out, ...extra].join('\n') + '\n';
}

function load(text: string): { warnings: ConfigIssue[]; config: ReturnType<typeof parseDeploymentConfig> } {
  const warnings: ConfigIssue[] = [];
  const config = parseDeploymentConfig(text, FILE, { onWarning: (w) => warnings.push(w) });
  return { warnings, config };
}

function issuesOf(text: string): readonly ConfigIssue[] {
  try {
    parseDeploymentConfig(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('the config was accepted');
}

describe('directory: defaults and resolution', () => {
  it('is type none when the section is absent, as before', () => {
    expect(load(BASE).config.directory).toEqual({ type: 'none' });
  });

  it('resolves an LDAP directory with the documented defaults', () => {
    const { config, warnings } = load(section(LDAP));
    expect(warnings).toEqual([]);
    expect(config.directory).toEqual({
      type: 'ldap',
      uris: ['ldaps://10.0.128.10', 'ldaps://10.0.192.10'],
      baseDn: 'dc=example,dc=com',
      bindDn: 'cn=readonly,dc=example,dc=com',
      bindPasswordSecretArn: SECRET,
      ldapTlsReqCert: 'hard',
      adminGroup: 'hpc-admins',
      allowedGroups: [],
      sssdSettings: {},
      homeDirectory: `${DIRECTORY_HOME_ROOT}/%u`,
    });
  });

  it('derives the search base of an Active Directory from its domain name', () => {
    const { config } = load(section(AD));
    expect(config.directory).toMatchObject({ type: 'activeDirectory', domainName: 'corp.example.com', baseDn: 'DC=corp,DC=example,DC=com' });
  });

  it('create: true needs no URIs and defaults the bind user to the new directory’s Users OU', () => {
    const { config } = load(section(AD, { 3: '  create: true', 4: '' }));
    expect(config.directory).toMatchObject({
      type: 'activeDirectory',
      uris: [],
      create: { netbiosName: 'CORP' },
      bindDn: 'CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
    });
  });

  it('keeps a CA certificate and extra sssd settings', () => {
    const sha = 'a'.repeat(64);
    const { config } = load(
      section(LDAP, {}, ['  caCertificate:', '    uri: s3://artifacts-bucket/ldap-ca.pem', `    sha256: ${sha}`, '  sssdSettings:', '    ldap_access_filter: "(memberOf=cn=hpc,ou=groups,dc=example,dc=com)"']),
    );
    expect(config.directory).toMatchObject({
      caCertificate: { uri: 's3://artifacts-bucket/ldap-ca.pem', sha256: sha },
      sssdSettings: { ldap_access_filter: '(memberOf=cn=hpc,ou=groups,dc=example,dc=com)' },
    });
  });
});

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  readonly line: number;
  readonly message: RegExp;
}

const L = (i: number) => FIRST + i;
const cases: Case[] = [
  { name: 'missing bind secret', yaml: section(LDAP, { 5: '' }), path: 'directory.type', line: L(1), message: /needs directory.bindPasswordSecretArn/ },
  { name: 'ldap:// instead of ldaps://', yaml: section(LDAP, { 2: '  uris: [ldap://10.0.128.10, ldaps://10.0.192.10]' }), path: 'directory.uris[0]', line: L(2), message: /plain LDAP.*use ldaps:\/\// },
  { name: 'secret ARN of the global partition', yaml: section(LDAP, { 5: `  bindPasswordSecretArn: ${SECRET.replace('aws-cn', 'aws')}` }), path: 'directory.bindPasswordSecretArn', line: L(5), message: /partition "aws" but cn-north-1 is in "aws-cn"/ },
  { name: 'SSM parameter instead of a secret', yaml: section(LDAP, { 5: '  bindPasswordSecretArn: arn:aws-cn:ssm:cn-north-1:123456789012:parameter/bind' }), path: 'directory.bindPasswordSecretArn', line: L(5), message: /not a Secrets Manager secret ARN/ },
  { name: 'unknown type', yaml: section(LDAP, { 1: '  type: openldap' }), path: 'directory.type', line: L(1), message: /use one of "none", "activeDirectory", "ldap"/ },
  { name: 'ldap without a base DN', yaml: section(LDAP, { 3: '' }), path: 'directory.type', line: L(1), message: /needs directory.baseDn/ },
  { name: 'AD without a domain name', yaml: section(AD, { 2: '' }), path: 'directory.type', line: L(1), message: /needs directory.domainName/ },
  { name: 'no admin group', yaml: section(LDAP, { 6: '' }), path: 'directory.type', line: L(1), message: /needs directory.adminGroup/ },
  { name: 'no URIs', yaml: section(LDAP, { 2: '  uris: []' }), path: 'directory.uris', line: L(2), message: /at least one ldaps:\/\/ URI/ },
  { name: 'URI with a path', yaml: section(LDAP, { 2: '  uris: [ldaps://10.0.128.10/dc=x, ldaps://10.0.192.10]' }), path: 'directory.uris[0]', line: L(2), message: /nothing after the port/ },
  { name: 'the same server twice', yaml: section(LDAP, { 2: '  uris: [ldaps://a.example.com, ldaps://a.example.com]' }), path: 'directory.uris[1]', line: L(2), message: /listed twice/ },
  { name: 'create under ldap', yaml: section(LDAP, {}, ['  create: true']), path: 'directory.create', line: L(7), message: /not used with type: ldap.*use type: activeDirectory/ },
  { name: 'create with URIs', yaml: section(AD, { 3: '  uris: [ldaps://dc1.corp.example.com]\n  create: true' }), path: 'directory.uris', line: L(3), message: /not used with create: true/ },
  { name: 'create with a one-label domain', yaml: section(AD, { 2: '  domainName: corp', 3: '  create: true' }), path: 'directory.domainName', line: L(2), message: /at least two labels/ },
  { name: 'domain name that is neither form', yaml: section(AD, { 2: '  domainName: OU=corp,DC=example' }), path: 'directory.domainName', line: L(2), message: /neither a domain name/ },
  { name: 'bind DN that is a user name', yaml: section(LDAP, { 4: '  bindDn: readonly' }), path: 'directory.bindDn', line: L(4), message: /not a distinguished name/ },
  { name: 'bind password in sssdSettings', yaml: section(LDAP, {}, ['  sssdSettings:', '    ldap_default_authtok: hunter2']), path: 'directory.sssdSettings.ldap_default_authtok', line: L(8), message: /must stay in Secrets Manager/ },
  { name: 'sssd option that a dedicated key owns', yaml: section(LDAP, {}, ['  sssdSettings:', '    ldap_uri: ldaps://x']), path: 'directory.sssdSettings.ldap_uri', line: L(8), message: /set directory.uris/ },
  { name: 'multi-line sssd value', yaml: section(LDAP, {}, ['  sssdSettings:', '    ldap_access_filter: "a\\nb"']), path: 'directory.sssdSettings.ldap_access_filter', line: L(8), message: /one line/ },
  { name: 'CA certificate over http', yaml: section(LDAP, {}, ['  caCertificate:', '    uri: http://example.com/ca.pem']), path: 'directory.caCertificate.uri', line: L(8), message: /must start with s3:\/\/ or https:\/\// },
  { name: 'directory keys with type none', yaml: section(['directory:', '  type: none', '  baseDn: dc=example,dc=com']), path: 'directory.baseDn', line: L(2), message: /only used with a directory/ },
  { name: 'directory with ParallelCluster 2.x', yaml: section(LDAP).replace('parallelclusterVersion: 3.16.3', 'parallelclusterVersion: 2.11.9').replace('provisioner: cloudformation', 'provisioner: instance').replace('os: alinux2023', 'os: alinux2'), path: 'directory.type', line: L(1), message: /has no DirectoryService/ },
  { name: 'ldap base DN without dc= (ParallelCluster DomainName)', yaml: section(LDAP, { 3: '  baseDn: o=example' }), path: 'directory.baseDn', line: L(3), message: /no dc= part/ },
  { name: 'an allowed group given by name', yaml: section(LDAP, {}, ['  allowedGroups: [hpc-users]']), path: 'directory.allowedGroups[0]', line: L(7), message: /not a group's distinguished name/ },
  { name: 'an allowed group twice', yaml: section(LDAP, {}, ['  allowedGroups: ["cn=a,dc=x", "cn=a,dc=x"]']), path: 'directory.allowedGroups[1]', line: L(7), message: /listed twice/ },
  { name: 'an empty allowedGroups', yaml: section(LDAP, {}, ['  allowedGroups: []']), path: 'directory.allowedGroups', line: L(7), message: /./ },
  { name: 'allowedGroups with an sssd access filter', yaml: section(LDAP, {}, ['  allowedGroups: ["cn=hpc,dc=example,dc=com"]', '  sssdSettings:', '    ldap_access_filter: (uid=*)']), path: 'directory.sssdSettings.ldap_access_filter', line: L(9), message: /cannot be set with directory.allowedGroups/ },
  { name: 'misspelt key', yaml: section(LDAP, { 3: '  baseDN: dc=example,dc=com' }), path: 'directory.baseDN', line: L(3), message: /did you mean "baseDn"/ },
];

describe('invalid directory settings are refused with the field, the file and the line', () => {
  it.each(cases)('$name → $path at line $line', (c) => {
    const issues = issuesOf(c.yaml);
    const issue = issues.find((i) => i.path === c.path && c.message.test(i.message));
    expect(issue, `issues were:\n${issues.map((i) => `${i.line} ${i.path}: ${i.message}`).join('\n')}`).toBeDefined();
    expect(issue!.file).toBe(FILE);
    expect(issue!.line).toBe(c.line);
    expect(issue!.severity).toBe('error');
  });
});

describe('warnings that do not stop a deployment', () => {
  it('warns when every directory server is in one AZ (addresses in the VPC tell their AZ)', () => {
    const { warnings } = load(section(LDAP, { 2: '  uris: [ldaps://10.0.128.10, ldaps://10.0.129.20:636]' }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'directory.uris', line: L(2), severity: 'warning' });
    expect(warnings[0]!.message).toMatch(/every directory server is in cn-north-1a \(10\.0\.128\.0\/18\)/);
  });

  it('does not warn when the servers are in different AZs', () => {
    expect(load(section(LDAP)).warnings).toEqual([]);
  });

  it('warns about a single server', () => {
    const { warnings } = load(section(LDAP, { 2: '  uris: [ldaps://ldap.example.com]' }));
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/one directory server/)]);
  });

  it('warns when certificates are not checked', () => {
    const { warnings } = load(section(LDAP, {}, ['  ldapTlsReqCert: never']));
    expect(warnings).toEqual([expect.objectContaining({ path: 'directory.ldapTlsReqCert', line: L(7) })]);
  });
});
