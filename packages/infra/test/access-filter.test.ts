/**
 * directory.allowedGroups, the one "who may use the platform" setting, rendered through the real generators and
 * enforced by a real Debian slapd (memberof overlay) and sssd: Dex's user search (portal login), ParallelCluster's
 * LdapAccessFilter (clusters) and sssd's ldap_access_filter (portal nodes) each admit a member and refuse an outsider.
 * The directory is @hpc-ha/sssd-config's test world; the checks are test/support/access-filter-checks.sh.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateClusterConfig } from '@hpc-ha/pcluster-config';
import { SSSD_PORTAL_STEP, sssdStepVariables } from '@hpc-ha/sssd-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { placeholderValues, portalDirectory, renderDeploymentArtifacts } from '../src/artifacts/index.js';
import { parseDeploymentConfig } from '../src/config/index.js';
import { directoryWorldMissing, runDirectoryWorld } from '../../../tools/test-harness/directory-world.js';
import { freePort } from '../../../tools/test-harness/ports.js';
import { REPO_ROOT } from './support/synth.js';

const missing = directoryWorldMissing();
const CHECKS = new URL('./support/access-filter-checks.sh', import.meta.url).pathname;
const BASE = 'dc=hpcha,dc=test';
// Parentheses and a star: the DN must reach every filter escaped (RFC 4515), or the member would be refused.
const GROUP = `cn=HPC (allowed) users*,ou=groups,${BASE}`;

/** The Open OnDemand example with the test directory's names and allowedGroups added, as a user would write it. */
function exampleWithAllowedGroups(): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', 'cn-north-1-ondemand.yaml'), 'utf8').replaceAll('dc=corp,dc=example,dc=cn', BASE);
  if (!text.includes('  adminGroup: hpc-admins\n')) throw new Error('the example changed: no adminGroup line');
  return text.replace('  adminGroup: hpc-admins\n', `  adminGroup: hpc-admins\n  allowedGroups: ["${GROUP}"]\n`);
}

const person = (uid: string, n: number, extra: string[]): string =>
  [`dn: uid=${uid},ou=people,${BASE}`, 'objectClass: inetOrgPerson', 'objectClass: posixAccount', `uid: ${uid}`, `cn: ${uid}`, 'sn: Test',
    `uidNumber: ${n}`, 'gidNumber: 16900', `homeDirectory: /home/${uid}`, 'loginShell: /bin/bash', `userPassword: ${uid}-secret`, ...extra].join('\n');

const config = parseDeploymentConfig(exampleWithAllowedGroups(), 'hpc-ha.yaml');
const values = placeholderValues(config);
const files = renderDeploymentArtifacts(config, values);
const dex = (parse(files.find((f) => f.path === 'portal/node1/ood_portal.yml')!.content) as any).dex.connectors[0].config;
const clusterFilters = files.filter((f) => f.path.startsWith('clusters/') && f.path.endsWith('.yaml')).map((f) => (parse(f.content) as any).DirectoryService.LdapAccessFilter as string);
const sssdFilter = portalDirectory(config, values)!.sssd.extraOptions?.['ldap_access_filter'];
const EXPECTED = '(memberOf=cn=HPC \\28allowed\\29 users\\2a,ou=groups,dc=hpcha,dc=test)';

describe('one setting, the same filter at every enforcement point', () => {
  it('Dex’s user search, both clusters’ LdapAccessFilter and sssd’s ldap_access_filter carry the escaped group', () => {
    expect(dex.userSearch.filter).toBe(`(&(objectClass=posixAccount)${EXPECTED})`);
    expect(clusterFilters).toEqual([EXPECTED, EXPECTED]);
    expect(sssdFilter).toBe(EXPECTED);
  });

  it('the clusters get ParallelCluster’s own key, not a second copy in AdditionalSssdConfigs, and pass its rules', () => {
    for (const f of files.filter((x) => x.path.startsWith('clusters/') && x.path.endsWith('.yaml'))) {
      expect(validateClusterConfig(f.content).issues, f.path).toEqual([]);
      const extra = (parse(f.content) as any).DirectoryService.AdditionalSssdConfigs ?? {};
      expect(extra).not.toHaveProperty('ldap_access_filter');
      expect(extra).not.toHaveProperty('access_provider');
    }
  });
});

const work = mkdtempSync(join(tmpdir(), 'hpc-ha-access-filter-'));
const out = (name: string): string => readFileSync(join(work, 'out', name), 'utf8').trim();
let run: ReturnType<typeof runDirectoryWorld>;

describe.skipIf(missing.length > 0)('against a real slapd (memberof overlay) and sssd', () => {
  beforeAll(async () => {
    const port = await freePort();
    writeFileSync(join(work, 'slapd-extra.conf'), 'moduleload memberof\noverlay memberof\n');
    writeFileSync(
      join(work, 'extra.ldif'),
      [
        [`dn: ${GROUP}`, 'objectClass: groupOfNames', 'cn: HPC (allowed) users*', `member: uid=carol,ou=people,${BASE}`].join('\n'),
        person('carol', 16970, [`memberOf: ${GROUP}`]),
        person('mallory', 16971, []),
      ].join('\n\n') + '\n',
    );
    writeFileSync(join(work, 'portal-step.sh'), SSSD_PORTAL_STEP);
    chmodSync(work, 0o711);
    const homeRoot = join(work, 'efs', 'home');
    const portal = portalDirectory(config, values)!;
    const vars = sssdStepVariables({
      ...portal,
      sssd: {
        ...portal.sssd,
        ldapUris: [`ldaps://127.0.0.1:${port}`],
        caCertFile: join(work, 'efs', 'hpc-ha', 'directory', 'ca.pem'),
        homeDirectory: `${homeRoot}/%u`,
        extraOptions: { ...portal.sssd.extraOptions, entry_cache_timeout: '5', ldap_network_timeout: '3' },
      },
      caCertificate: { uri: 's3://test-bucket/directory-ca.pem' },
      homeRoot,
    });
    run = runDirectoryWorld(work, port, {
      HPC_HA_REGION: 'cn-north-1',
      BIND_PASSWORD: 'bind-secret-for-test',
      ALICE_PASSWORD: 'alice-secret',
      BOB_PASSWORD: 'bob-secret',
      CAROL_PASSWORD: 'carol-secret',
      MALLORY_PASSWORD: 'mallory-secret',
      WORLD_SLAPD_EXTRA: join(work, 'slapd-extra.conf'),
      WORLD_LDIF_EXTRA: join(work, 'extra.ldif'),
      WORLD_THEN: CHECKS,
      DEX_BASE: dex.userSearch.baseDN,
      DEX_FILTER: dex.userSearch.filter,
      DEX_USERNAME_ATTR: dex.userSearch.username,
      CLUSTER_FILTER: clusterFilters[0]!,
      BASE_DN: BASE,
      BIND_DN: dex.bindDN,
      ...Object.fromEntries(vars),
    });
  }, 150_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the world ran to the end', () => {
    const trace = existsSync(join(work, 'out', 'trace')) ? out('trace') : '';
    expect(run.status, `${String(run.stderr)}\n${trace}`).toBe(0);
    expect(trace).toContain('done');
  });

  it('portal login (Dex’s query): the member is found and binds; the outsider is not found at all', () => {
    expect(out('dex-carol')).toBe('1 0');
    expect(out('dex-mallory')).toBe('0 none');
    expect(out('dex-mallory-unfiltered')).toBe('1 0');
  });

  it('clusters (LdapAccessFilter as sssd applies it): the member matches, the outsider does not', () => {
    expect(out('cluster-carol')).toBe('1');
    expect(out('cluster-mallory')).toBe('0');
  });

  it('portal nodes (sssd through PAM): the member passes the account check, the outsider is refused after a right password', () => {
    expect(out('pam-carol.rc'), out('pam-carol.out')).toBe('0');
    expect(out('pam-mallory-auth-only.rc'), out('pam-mallory-auth-only.out')).toBe('0');
    expect(out('pam-mallory.rc')).not.toBe('0');
    expect(out('pam-mallory.out')).toMatch(/Permission denied|Authentication service cannot retrieve/);
  });
});
