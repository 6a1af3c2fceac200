import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterSssdOverrides, renderSssdConf, SSSD_PORTAL_STEP, SssdSpecError, type SssdSpec } from '../src/index.js';

const inCi = process.env['CI'] === 'true';
const haveSssctl = spawnSync('sssctl', ['--help']).error === undefined;
if (inCi && !haveSssctl) throw new Error('CI=true but sssctl (Debian sssd-tools) is not installed');

export const LDAP_SPEC: SssdSpec = {
  schema: 'rfc2307',
  ldapUris: ['ldaps://10.0.128.10', 'ldaps://10.0.192.10:636'],
  searchBase: 'dc=example,dc=com',
  bindDn: 'cn=readonly,dc=example,dc=com',
  caCertFile: '/efs/hpc-ha/directory/ca.pem',
  homeDirectory: '/efs/home/%u',
};
const AD_SPEC: SssdSpec = {
  schema: 'ad',
  ldapUris: ['ldaps://${Token[TOKEN.42]}', 'ldaps://<DirectoryDnsIp2>'],
  searchBase: 'DC=corp,DC=example,DC=com',
  bindDn: 'CN=ReadOnlyUser,OU=Users,OU=CORP,DC=corp,DC=example,DC=com',
  homeDirectory: '/efs/home/%u',
  extraOptions: { ldap_access_filter: '(memberOf=CN=HPC,OU=Groups,DC=corp,DC=example,DC=com)', entry_cache_timeout: '600' },
};

const work = mkdtempSync(join(tmpdir(), 'hpc-ha-sssd-render-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** sssctl config-check, the check sssd itself applies, on a config (and optional snippets) in a private directory. */
function configCheck(conf: string, snippets: Record<string, string> = {}): { status: number | null; output: string } {
  const dir = mkdtempSync(join(work, 'conf-'));
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'sssd.conf'), conf, { mode: 0o600 });
  for (const [name, text] of Object.entries(snippets)) writeFileSync(join(dir, 'conf.d', name), text, { mode: 0o600 });
  const run = spawnSync('sssctl', ['config-check', `--config=${join(dir, 'sssd.conf')}`, `--snippet=${join(dir, 'conf.d')}`], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('renderSssdConf', () => {
  it('renders an RFC 2307 directory with uid/gid from the directory and one home per user on EFS', () => {
    const conf = renderSssdConf(LDAP_SPEC);
    expect(conf).toContain('[domain/default]\nid_provider = ldap\n');
    expect(conf).toContain('ldap_schema = rfc2307\n');
    expect(conf).toContain('ldap_uri = ldaps://10.0.128.10,ldaps://10.0.192.10:636\n');
    expect(conf).toContain('ldap_id_mapping = False\n');
    expect(conf).toContain('ldap_tls_reqcert = hard\n');
    expect(conf).toContain('ldap_tls_cacert = /efs/hpc-ha/directory/ca.pem\n');
    expect(conf).toContain('override_homedir = /efs/home/%u\n');
    expect(conf).not.toMatch(/authtok\s*=/);
    expect(conf.endsWith('\n')).toBe(true);
  });

  it('maps AD users from their SIDs, passes deploy-time values through and adds access_provider for a filter', () => {
    const conf = renderSssdConf(AD_SPEC);
    expect(conf).toContain('ldap_schema = AD\n');
    expect(conf).toContain('ldap_id_mapping = True\n');
    expect(conf).toContain('ldap_uri = ldaps://${Token[TOKEN.42]},ldaps://<DirectoryDnsIp2>\n');
    expect(conf).toContain('access_provider = ldap\nentry_cache_timeout = 600\nldap_access_filter = (memberOf=');
  });

  it('is byte-identical for the same input', () => {
    expect(renderSssdConf(structuredClone(AD_SPEC))).toBe(renderSssdConf(AD_SPEC));
  });

  it('refuses what would break sssd or leak the password, listing every problem', () => {
    const bad = {
      ...LDAP_SPEC,
      ldapUris: ['ldap://10.0.128.10'],
      homeDirectory: '/efs/home',
      extraOptions: { ldap_default_authtok: 'hunter2', 'Bad-Key': 'x' },
    } as SssdSpec;
    expect(() => renderSssdConf(bad)).toThrow(SssdSpecError);
    try {
      renderSssdConf(bad);
    } catch (e) {
      const text = (e as Error).message;
      expect(text).toContain('/ldapUris/0');
      expect(text).toContain('/extraOptions: must NOT have additional properties');
      expect(text).not.toContain('hunter2');
    }
    expect(() => renderSssdConf({ ...LDAP_SPEC, homeDirectory: '/efs/home' })).toThrow(/must contain %u/);
    expect(() => renderSssdConf({ ...LDAP_SPEC, extraOptions: { ldap_default_authtok: 'x' } })).toThrow(/cannot be overridden/);
    expect(() => renderSssdConf({ ...LDAP_SPEC, bindDn: 'cn=a\nldap_default_authtok = x' })).toThrow(/\/bindDn/);
  });

  it('gives the clusters the options that make them resolve users as the portal does, nothing ParallelCluster sets itself', () => {
    expect(clusterSssdOverrides(LDAP_SPEC)).toEqual({
      auth_provider: 'ldap',
      chpass_provider: 'ldap',
      ldap_schema: 'rfc2307',
      ldap_search_base: 'dc=example,dc=com',
      ldap_id_mapping: 'False',
      ldap_referrals: 'False',
      use_fully_qualified_names: 'False',
      cache_credentials: 'True',
      override_homedir: '/efs/home/%u',
      default_shell: '/bin/bash',
    });
  });
});

describe.skipIf(!haveSssctl)('sssctl config-check (Debian sssd-tools) accepts the rendered files', () => {
  it.each([
    ['RFC 2307', LDAP_SPEC],
    ['Active Directory with an access filter', { ...AD_SPEC, ldapUris: ['ldaps://dc1.corp.example.com', 'ldaps://dc2.corp.example.com'] }],
  ])('%s', (_name, spec) => {
    const result = configCheck(renderSssdConf(spec), {
      '50-hpc-ha-bind-password.conf': '[domain/default]\nldap_default_authtok_type = password\nldap_default_authtok = x\n',
    });
    expect(result.output).toContain('Issues identified by validators: 0');
    expect(result.output).toContain('Used configuration snippet files: 1');
    expect(result.status).toBe(0);
  });

  it('and refuses a misspelt extra option, so the node stops before restarting sssd', () => {
    const result = configCheck(renderSssdConf({ ...LDAP_SPEC, extraOptions: { ldap_acces_filter: '(uid=*)' } }));
    expect(result.output).toMatch(/'ldap_acces_filter' is not allowed/);
    expect(result.status).not.toBe(0);
  });
});

describe('the embedded portal step', () => {
  it('matches src/portal-step.sh (run scripts/embed-step.mjs after editing it)', () => {
    expect(SSSD_PORTAL_STEP).toBe(readFileSync(new URL('../src/portal-step.sh', import.meta.url), 'utf8'));
  });

});
