import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  OOD_BOOT_VALUES,
  renderOodBootstrap,
  renderOodBootstrapEnv,
  renderOodBootstrapProgram,
  renderOodBrandingYml,
  renderOodClusterYml,
  renderOodPortalYml,
  SpecValidationError,
  type OodPortalSpec,
} from '../src/index.js';
import { NODE_STEPS, NODE_STEPS_MARKER } from '@hpc-ha/portal-node';
import { SSSD_PORTAL_STEP } from '@hpc-ha/sssd-config';
import { OOD_DESKTOP_STEP } from '../src/portal/desktop-step.js';
import { OOD_BOOTSTRAP_PROGRAM } from '../src/portal/program-text.js';
import { OOD_HOME_HOOK_PROGRAM } from '../src/portal/home-hook-text.js';
import { OOD_HOME_HOOK_FUNCTION } from '../src/portal/home-hook.js';
import { OOD_DIRECTORY_FAILOVER_STEP } from '../src/portal/directory-failover-text.js';
import { bootstrapSpec, dexPortal, tokenSpec } from './support/specs.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const golden = (name: string, text: string): void => {
  const file = join(here, 'golden', name);
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) {
    mkdirSync(join(here, 'golden'), { recursive: true });
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
};

// The schemas are written from Open OnDemand's documentation (see each file's $comment).
const ajv = new Ajv({ allErrors: true, strict: false });
const schema = (name: string): ValidateFunction => ajv.compile(JSON.parse(readFileSync(join(here, 'schema', name), 'utf8')));
const portalSchema = schema('ood-portal.schema.json');
const clusterSchema = schema('ood-cluster-v2.schema.json');
const brandingSchema = schema('ood-ondemand-d.schema.json');
const accepts = (validate: ValidateFunction, yamlText: string): void => {
  const ok = validate(parse(yamlText));
  expect(validate.errors ?? [], yamlText).toEqual([]);
  expect(ok).toBe(true);
};

const AD: OodPortalSpec = dexPortal({
  dexLdap: {
    directoryType: 'activeDirectory',
    host: 'corp-dc1.corp.example.cn:636',
    bindDn: 'CN=hpc-ha-bind,OU=Service,DC=corp,DC=example,DC=cn',
    userBaseDn: 'DC=corp,DC=example,DC=cn',
    rootCaFile: '/etc/ood/dex/ldap-ca.pem',
  },
});
const OIDC: OodPortalSpec = {
  serverName: 'hpc.example.cn',
  idleTimeoutSeconds: 7200,
  oidc: { metadataUrl: 'https://sso.example.cn/realms/hpc/.well-known/openid-configuration', clientId: 'hpc-portal', scope: 'openid profile' },
};

describe('the schemas written from the documentation', () => {
  it('refuse what the documentation does not allow, so passing them means something', () => {
    expect(portalSchema({ servername: 'x', sever_aliases: [] })).toBe(false);
    expect(portalSchema({ dex: { connectors: [{ type: 'ldap', id: 'l', name: 'L', config: { host: 'ldaps://h:636', bindDN: 'a', bindPW: 'b', userSearch: {} } }] } })).toBe(false);
    expect(portalSchema({ oidc_uri: '/oidc' })).toBe(false);
    expect(clusterSchema({ v2: { metadata: { title: 'c' }, job: { adapter: 'slurm', bin: '/b', slurm_conf: '/c' } } })).toBe(false);
    expect(brandingSchema({ dashboard_tittle: 'x' })).toBe(false);
  });
});

describe('ood_portal.yml', () => {
  it.each([
    ['ood_portal.dex-ldap.yml', dexPortal()],
    ['ood_portal.dex-ad.yml', AD],
    ['ood_portal.oidc.yml', OIDC],
  ])('%s matches its golden file and the schema written from the documentation', (name, spec) => {
    const text = renderOodPortalYml(spec);
    golden(name, text);
    accepts(portalSchema, text);
  });

  it('puts the users’ session timeout and the node’s own certificate where Apache and mod_auth_openidc read them', () => {
    const portal = parse(renderOodPortalYml(dexPortal({ idleTimeoutSeconds: 900 })));
    expect(portal.oidc_session_inactivity_timeout).toBe(900);
    expect(portal.oidc_session_max_duration).toBeGreaterThanOrEqual(900);
    expect(portal.ssl).toEqual(['SSLCertificateFile "/etc/pki/tls/certs/hpc-ha-portal.crt"', 'SSLCertificateKeyFile "/etc/pki/tls/private/hpc-ha-portal.key"']);
    expect(portal.oidc_settings).toEqual({ OIDCCABundlePath: '/etc/pki/tls/certs/hpc-ha-portal.crt' });
    expect(portal.dex.connectors[0].config.bindPW).toBe(OOD_BOOT_VALUES.ldapBindPassword);
  });

  it('adds the access filter to Dex’s user search, so only the allowed users are found', () => {
    const filter = '(memberOf=cn=hpc,ou=groups,dc=corp,dc=example,dc=cn)';
    const ldap = parse(renderOodPortalYml(dexPortal({ dexLdap: { ...dexPortal().dexLdap!, accessFilter: filter } }))) as any;
    expect(ldap.dex.connectors[0].config.userSearch.filter).toBe(`(&(objectClass=posixAccount)${filter})`);
    const ad = parse(renderOodPortalYml(dexPortal({ dexLdap: { ...dexPortal().dexLdap!, directoryType: 'activeDirectory', accessFilter: filter } }))) as any;
    expect(ad.dex.connectors[0].config.userSearch.filter).toBe(`(&(&(objectClass=user)(!(objectClass=computer)))${filter})`);
    expect(() => renderOodPortalYml(dexPortal({ dexLdap: { ...dexPortal().dexLdap!, accessFilter: 'memberOf=x' } }))).toThrow(/accessFilter/);
  });

  it('maps Active Directory users by sAMAccountName and LDAP users by uid, the names sssd resolves', () => {
    expect(parse(renderOodPortalYml(AD)).dex.connectors[0].config.userSearch.preferredUsernameAttr).toBe('sAMAccountName');
    expect(parse(renderOodPortalYml(dexPortal())).dex.connectors[0].config.userSearch.preferredUsernameAttr).toBe('uid');
  });

  it('is byte-identical for the same input', () => {
    expect(renderOodPortalYml(AD)).toBe(renderOodPortalYml(structuredClone(AD)));
  });

  it('refuses a spec with both or neither authentication, listing every problem', () => {
    const both = { ...dexPortal(), oidc: OIDC.oidc };
    expect(() => renderOodPortalYml(both)).toThrow(/\/dexLdap: give exactly one of dexLdap and oidc/);
    const { dexLdap: _unused, ...neither } = dexPortal();
    expect(() => renderOodPortalYml(neither)).toThrow(SpecValidationError);
    try {
      renderOodPortalYml({ ...dexPortal(), serverName: 'bad name', idleTimeoutSeconds: 5 });
    } catch (e) {
      expect((e as SpecValidationError).problems.map((p) => p.path)).toEqual(['/serverName', '/idleTimeoutSeconds']);
    }
  });
});

describe('clusters.d and ondemand.d', () => {
  it('a cluster file has the Slurm adapter with its own client config and matches the schema', () => {
    const text = renderOodClusterYml({ title: 'Cluster 1 (cn-north-1a)', slurmBinDir: '/opt/slurm/bin', slurmConf: '/etc/hpc-ha/slurm/cluster1/slurm.conf', loginHost: '10.0.1.100' });
    golden('cluster1.yml', text);
    accepts(clusterSchema, text);
    expect(parse(text).v2.job).toEqual({ adapter: 'slurm', bin: '/opt/slurm/bin', conf: '/etc/hpc-ha/slurm/cluster1/slurm.conf', copy_environment: false });
  });

  it('a title with YAML syntax in it comes back exactly', () => {
    const title = 'GPU: "A100" #1 - [test] & *alias';
    expect(parse(renderOodClusterYml({ title, slurmBinDir: '/opt/slurm/bin', slurmConf: '/c/slurm.conf' })).v2.metadata.title).toBe(title);
    expect(parse(renderOodBrandingYml({ title })).dashboard_title).toBe(title);
  });

  it('branding matches the schema', () => {
    const text = renderOodBrandingYml({ title: 'HPC Portal', brandBgColor: '#003366', brandLinkActiveBgColor: '#fff', headerLogoUrl: '/public/logo.png' });
    golden('hpc-ha.branding.yml', text);
    accepts(brandingSchema, text);
  });
});

describe('bootstrap settings block', () => {
  it('carries every rendered file, and those files (once a head node is filled in) match their schemas', () => {
    const env = renderOodBootstrapEnv(bootstrapSpec());
    golden('bootstrap-env-node1.sh', env);
    const values = new Map<string, string>();
    for (const m of env.matchAll(/^readonly (HPC_HA_[A-Z0-9_]+)="((?:[^"\\]|\\.)*)"$/gms)) values.set(m[1]!, m[2]!.replace(/\\(.)/g, '$1'));
    accepts(portalSchema, values.get('HPC_HA_OOD_PORTAL_YML')!);
    accepts(brandingSchema, values.get('HPC_HA_OOD_BRANDING_YML')!);
    for (const name of ['CLUSTER1', 'CLUSTER2']) {
      accepts(clusterSchema, values.get(`HPC_HA_OOD_CLUSTER_${name}`)!.replace(`"${OOD_BOOT_VALUES.loginHost}"`, '10.0.1.100'));
    }
  });

  it('passes CDK tokens through untouched and stays well under the 16 KB user-data limit', () => {
    const text = renderOodBootstrap(tokenSpec());
    for (const t of ['${Token[TOKEN.101]}', '${Token[TOKEN.501]}', '${Token[TOKEN.304]}', '${Token[AWS.StackName.7]}']) expect(text).toContain(t);
    expect(renderOodBootstrapEnv(tokenSpec()).length).toBeLessThan(8 * 1024);
  });

  it('a cluster that is not shown gets no Open OnDemand file', () => {
    const s = bootstrapSpec({ clusters: [{ name: 'cluster1' }, { name: 'cluster2', show: false }] });
    const env = renderOodBootstrapEnv(s);
    expect(env).toContain('HPC_HA_OOD_CLUSTER_CLUSTER1=');
    expect(env).not.toContain('HPC_HA_OOD_CLUSTER_CLUSTER2=');
    expect(env).toContain('readonly HPC_HA_SHOWN_CLUSTERS="cluster1"');
  });

  it.each([
    ['a bind secret missing with Dex', { secrets: { oidcCryptoPassphrase: bootstrapSpec().secrets.oidcCryptoPassphrase } }, '/secrets/ldapBindPassword: is required with portal.dexLdap'],
    ['both a repository and a bundle', { ondemand: { version: '4.2.3', repositoryUrl: 'https://mirror.example.cn/ondemand', bundle: { uri: 's3://hpc-ha-a/o.tar', sha256: 'a'.repeat(64) } } }, '/ondemand/bundle: give either'],
    ['no directory (each user’s web server runs as a directory user)', { directory: undefined }, '/directory: is required'],
    ['an own cluster that is not a cluster', { ownCluster: 'cluster9' }, '/ownCluster: is not one of the clusters'],
    ['a version that is not x.y.z', { ondemand: { version: '4.2' } }, '/ondemand/version: must match pattern'],
  ])('refuses %s', (_name, extra, message) => {
    expect(() => renderOodBootstrapEnv(bootstrapSpec(extra as never))).toThrow(message);
  });

  it('no source file names the global partition or its DNS suffix', () => {
    const src = join(here, '..', 'src');
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    for (const f of walk(src)) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/arn:aws:|\.amazonaws\.com([^.\w]|$)/);
    }
  });

  it('the embedded program is program.sh (run scripts/embed-program.mjs), with the shared node steps and sssd step at its marker, the directory failover, home hook and desktop steps before node_main', () => {
    expect(OOD_BOOTSTRAP_PROGRAM).toBe(readFileSync(join(here, '..', 'src', 'portal', 'program.sh'), 'utf8'));
    const composed = OOD_BOOTSTRAP_PROGRAM.replace(`${NODE_STEPS_MARKER}\n`, () => `${NODE_STEPS}${SSSD_PORTAL_STEP}\n`);
    const portalSteps = `${OOD_DIRECTORY_FAILOVER_STEP}\n${OOD_HOME_HOOK_FUNCTION}\n${OOD_DESKTOP_STEP}`;
    expect(renderOodBootstrapProgram()).toBe(composed.replace(/\nnode_main\n$/, () => `\n${portalSteps}\nnode_main\n`));
    expect(OOD_HOME_HOOK_PROGRAM).toBe(readFileSync(join(here, '..', 'src', 'portal', 'home-hook.sh'), 'utf8'));
    expect(OOD_DIRECTORY_FAILOVER_STEP).toBe(readFileSync(join(here, '..', 'src', 'portal', 'directory-failover.sh'), 'utf8'));
  });
});
