import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, type ConfigIssue } from './errors.js';
import { loadDeploymentConfig, parseDeploymentConfig } from './load.js';

const MINIMAL = readFileSync(new URL('./__fixtures__/minimal.yaml', import.meta.url), 'utf8').replace(/\n*$/, '\n');
const FILE = 'hpc-ha.yaml';
const LDAP = [
  'directory:',
  '  type: ldap',
  '  uris: [ldaps://10.0.128.10, ldaps://10.0.192.10]',
  '  baseDn: dc=example,dc=com',
  '  bindDn: cn=readonly,dc=example,dc=com',
  '  bindPasswordSecretArn: arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:ldap-bind-AbCdEf',
  '  adminGroup: hpc-admins',
].join('\n');

/** The minimal file with its portal section (lines 6-14) replaced by `portal` lines, and a directory unless told. */
function ood(portal: string[], directory = LDAP): string {
  const lines = MINIMAL.split('\n');
  return [...lines.slice(0, 5), 'portal:', ...portal, ...lines.slice(14)].join('\n') + (directory ? `${directory}\n` : '');
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

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('portal.kind', () => {
  it('is enginframe when absent, with every EnginFrame setting as before', () => {
    const c = parseDeploymentConfig(MINIMAL, FILE);
    expect(c.portal.kind).toBe('enginframe');
    expect(c.portal.kind === 'enginframe' && c.portal.installer.version).toBe('2021.0-r1667');
  });

  it('openondemand alone takes the documented defaults: version, both clusters, 8 h idle timeout', () => {
    const c = parseDeploymentConfig(ood(['  kind: openondemand']), FILE);
    expect(c.portal).toMatchObject({
      kind: 'openondemand',
      openondemand: { version: '4.2.3', title: 'Open OnDemand', idleTimeoutMinutes: 480, clusters: ['cluster1', 'cluster2'] },
    });
  });

  it('the example loads, with a bundle in the region and no warning', () => {
    const warnings: ConfigIssue[] = [];
    const c = loadDeploymentConfig(new URL('../../../../examples/cn-north-1-ondemand.yaml', import.meta.url).pathname, { onWarning: (w) => warnings.push(w) });
    expect(c.portal.kind).toBe('openondemand');
    expect(c.directory.type).toBe('ldap');
    expect(warnings).toEqual([]);
  });

  it('warns in China when nodes would install from the public repository', () => {
    const warnings: ConfigIssue[] = [];
    parseDeploymentConfig(ood(['  kind: openondemand', '  openondemand:', '    version: "4.2.3"']), FILE, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('may be slow or unreachable from China')]);
  });

  it('openondemand without a directory is refused at portal.kind, with file and line', () => {
    const text = ood(['  kind: openondemand'], '');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'portal.kind', line: lineOf(text, 'kind: openondemand'), file: FILE });
    expect(formatIssue(issues[0]!)).toMatch(/^hpc-ha\.yaml:7:\d+ portal\.kind: .*openondemand needs a directory: set directory\.type to ldap or activeDirectory/);
  });

  it.each([
    ['an EnginFrame installer', ['  installer:', '    uri: s3://artifacts-bucket/enginframe-2021.0-r1667.jar'], 'portal.installer', 'installer:', /is an EnginFrame setting/],
    ['a version that is not x.y.z', ['  openondemand:', '    version: "4.2"'], 'portal.openondemand.version', 'version:', /not an Open OnDemand version such as 4\.2\.3/],
    [
      'a repository and a bundle',
      ['  openondemand:', '    repositoryUrl: https://mirror.example.cn/ondemand', '    bundle:', '      uri: s3://bucket-cn/ood.tar', `      sha256: ${'a'.repeat(64)}`],
      'portal.openondemand.bundle',
      'bundle:',
      /either repositoryUrl or bundle/,
    ],
    ['a bundle checksum that is not one', ['  openondemand:', '    bundle:', '      uri: s3://bucket-cn/ood.tar', '      sha256: abc'], 'portal.openondemand.bundle.sha256', 'sha256:', /64 hexadecimal/],
    ['a bundle over plain http', ['  openondemand:', '    bundle:', '      uri: http://example.cn/ood.tar', `      sha256: ${'a'.repeat(64)}`], 'portal.openondemand.bundle.uri', 'uri:', /must start with s3:\/\/ or https:\/\//],
    ['a colour that is not one', ['  openondemand:', '    brandColor: blue-ish'], 'portal.openondemand.brandColor', 'brandColor', /not a colour/],
    ['a cluster listed twice', ['  openondemand:', '    clusters: [cluster1, cluster1]'], 'portal.openondemand.clusters[1]', 'clusters:', /listed twice/],
    ['a cluster that does not exist', ['  openondemand:', '    clusters: [cluster3]'], 'portal.openondemand.clusters[0]', 'clusters:', /cluster1|cluster2/],
    ['a server name that is not a DNS name', ['  openondemand:', '    serverName: "hpc portal"'], 'portal.openondemand.serverName', 'serverName', /not a DNS name/],
    ['an idle timeout under 5 minutes', ['  openondemand:', '    idleTimeoutMinutes: 1'], 'portal.openondemand.idleTimeoutMinutes', 'idleTimeoutMinutes', /5/],
  ])('refuses %s with the field and its line', (_name, extra, path, needle, message) => {
    const text = ood(['  kind: openondemand', ...extra]);
    const issue = issuesOf(text).find((i) => i.path === path);
    expect(issue, JSON.stringify(issuesOf(text))).toBeDefined();
    expect(issue!.message).toMatch(message);
    expect(issue!.line).toBe(lineOf(text, needle));
  });

  it('refuses Open OnDemand settings under an EnginFrame portal', () => {
    const text = MINIMAL.replace('  jdbcDriver:', '  openondemand:\n    title: x\n  jdbcDriver:');
    expect(issuesOf(text)).toEqual([expect.objectContaining({ path: 'portal.openondemand', line: lineOf(text, 'openondemand:'), message: expect.stringMatching(/only with portal.kind: openondemand/) })]);
  });

  it('still requires the EnginFrame settings for an EnginFrame portal', () => {
    const text = MINIMAL.replace(/ {2}installer:\n.*\n.*\n/, '');
    expect(issuesOf(text)).toEqual([expect.objectContaining({ path: 'portal.installer', message: expect.stringMatching(/is required but missing/) })]);
  });
});
