import {
  checkNodeSpec,
  composePortalProgram,
  nodeStepVariables,
  throwIfProblems,
  toShellAssignments,
  validateSpec,
  type ShellLine,
  type SpecProblem,
} from '@hpc-ha/portal-node';
import { OOD_BOOT_VALUES } from '../boot-values.js';
import { renderOodBrandingYml } from '../branding-yml.js';
import { renderOodClusterYml } from '../cluster-yml.js';
import { computeHostRegex, renderOodDesktopAppYml, renderOodDesktopSubmitYml } from '../desktop-app.js';
import { OOD_DESKTOP_STEP } from './desktop-step.js';
import { DEFAULT_CERTIFICATE, renderOodPortalYml, type OodPortalSpec } from '../portal-yml.js';
import { OOD_HOME_HOOK_FILE, OOD_HOME_HOOK_FUNCTION, renderOodHomeHook } from './home-hook.js';
import { OOD_DIRECTORY_FAILOVER_STEP } from './directory-failover-text.js';
import { OOD_BOOTSTRAP_PROGRAM } from './program-text.js';
import { DEFAULT_LDAP_CA_FILE, OOD_DEFAULT_PACKAGES, OOD_HEALTH_FILE, OOD_REPOSITORY_URL, OodBootstrapSpecSchema, type OodBootstrapSpec } from './spec.js';

function checkSemantics(spec: OodBootstrapSpec): void {
  const problems: SpecProblem[] = checkNodeSpec(spec);
  spec.clusters.forEach((c, i) => {
    const variable = c.name.toUpperCase().replace(/-/g, '_');
    if (spec.clusters.findIndex((o) => o.name.toUpperCase().replace(/-/g, '_') === variable) !== i)
      problems.push({ path: `/clusters/${i}/name`, message: `${c.name} differs from another cluster name only in case or - vs _` });
  });
  if (spec.ondemand.bundle && spec.ondemand.repositoryUrl)
    problems.push({ path: '/ondemand/bundle', message: 'give either a repository URL or a bundle, not both' });
  if (spec.portal.dexLdap && !spec.secrets.ldapBindPassword)
    problems.push({ path: '/secrets/ldapBindPassword', message: 'is required with portal.dexLdap (Dex binds to the directory)' });
  if (!spec.portal.dexLdap && spec.secrets.ldapBindPassword)
    problems.push({ path: '/secrets/ldapBindPassword', message: 'applies only with portal.dexLdap' });
  if (spec.portal.oidc && !spec.secrets.oidcClientSecret)
    problems.push({ path: '/secrets/oidcClientSecret', message: 'is required with portal.oidc' });
  if (!spec.portal.oidc && spec.secrets.oidcClientSecret)
    problems.push({ path: '/secrets/oidcClientSecret', message: 'applies only with portal.oidc' });
  if (!spec.directory) problems.push({ path: '/directory', message: 'is required: Open OnDemand runs each user’s web server as a directory user' });
  const ldap = spec.portal.dexLdap;
  if (ldap && [ldap.host, ...(ldap.failoverHosts ?? [])].some((h, i, all) => all.indexOf(h) !== i))
    problems.push({ path: '/portal/dexLdap/failoverHosts', message: 'lists a server twice' });
  if (ldap?.host === OOD_BOOT_VALUES.ldapHost) problems.push({ path: '/portal/dexLdap/host', message: 'must be a server (host:port); the node fills in the marker itself' });
  if (spec.ldapCaCertificate && !spec.portal.dexLdap)
    problems.push({ path: '/ldapCaCertificate', message: 'applies only with portal.dexLdap' });
  throwIfProblems('Open OnDemand bootstrap spec', problems);
}

const clusterVariable = (name: string): string => `HPC_HA_OOD_CLUSTER_${name.toUpperCase().replace(/-/g, '_')}`;
const desktopVariable = (kind: 'FORM' | 'SUBMIT', name: string): string => `HPC_HA_OOD_DESKTOP_${kind}_${name.toUpperCase().replace(/-/g, '_')}`;

/** The `readonly HPC_HA_*="..."` block that carries every spec value, and every rendered file, to the static program. */
export function renderOodBootstrapEnv(input: OodBootstrapSpec): string {
  const spec = validateSpec(OodBootstrapSpecSchema, input, 'Open OnDemand bootstrap spec');
  checkSemantics(spec);

  const slurmPrefix = spec.slurm?.prefix ?? '/opt/slurm';
  const slurmConfigDir = spec.slurm?.configDir ?? '/etc/hpc-ha/slurm';
  const certificate = spec.portal.certificate ?? DEFAULT_CERTIFICATE;
  const caFile = spec.portal.dexLdap?.rootCaFile ?? (spec.ldapCaCertificate ? DEFAULT_LDAP_CA_FILE : undefined);
  const withCa: OodPortalSpec = spec.portal.dexLdap && caFile ? { ...spec.portal, dexLdap: { ...spec.portal.dexLdap, rootCaFile: caFile } } : spec.portal;
  // Homes at first login: a Dex/OIDC login runs no PAM session, so nginx_stage's root pre-hook makes the home.
  const homeRoot = spec.directory?.homeRoot;
  // Checks the home root is one the hook's settings line can carry unquoted.
  if (homeRoot) renderOodHomeHook({ homeRoot: homeRoot.replace(/\/+$/, '') });
  const withHook: OodPortalSpec = homeRoot ? { ...withCa, punPreHookRootCmd: OOD_HOME_HOOK_FILE } : withCa;
  // Dex gets whichever directory server answers (the node fills it in and a timer re-chooses); the node's own address
  // is a server alias, so the load balancer's health check (Host: <address>) reaches the health file.
  const ldap = spec.portal.dexLdap;
  const ldapHosts = ldap ? [ldap.host, ...(ldap.failoverHosts ?? [])] : [];
  const shown = spec.clusters.filter((c) => c.show !== false);
  const desktops = shown.flatMap((c) => (c.desktop ? [{ ...c.desktop, cluster: c.name, title: `Desktop on ${c.label ?? c.name}` }] : []));
  const portal: OodPortalSpec = {
    ...withHook,
    ...(desktops.length ? { nodeProxyHostRegex: computeHostRegex(desktops.map((d) => ({ name: d.cluster, queues: d.queues }))) } : {}),
    serverAliases: [OOD_BOOT_VALUES.nodeAddress],
    ...(withHook.dexLdap ? { dexLdap: { ...withHook.dexLdap, host: OOD_BOOT_VALUES.ldapHost } } : {}),
  };
  const [line] = spec.ondemand.version.match(/^\d+\.\d+/)!;
  const secret = (s: { secretArn: string; jsonKey?: string } | undefined): [string, string] => [s?.secretArn ?? '', s?.jsonKey ?? ''];
  const [passphraseArn, passphraseKey] = secret(spec.secrets.oidcCryptoPassphrase);
  const [bindArn, bindKey] = secret(spec.secrets.ldapBindPassword);
  const [clientArn, clientKey] = secret(spec.secrets.oidcClientSecret);

  const lines: ShellLine[] = [
    { comment: 'hpc-ha Open OnDemand bootstrap settings (generated by @hpc-ha/ondemand-config; no secrets, ARNs only)' },
    ...nodeStepVariables(spec, {
      defaultLogFile: '/var/log/hpc-ha/ondemand-bootstrap.log',
      defaultPackages: OOD_DEFAULT_PACKAGES,
      // Nobody but root needs the node role: Apache, Dex and every user's nginx (PUN) run as other users, and the
      // secrets they use are written by this root bootstrap. A PUN with the role could read the munge key.
      imdsAllowedUsers: spec.imdsAllowedUsers ?? [],
      // Open OnDemand never creates clusters: it serves first, clusters join through the re-sync.
      waitForOwnCluster: false,
    }),
    ['HPC_HA_SHOWN_CLUSTERS', shown.map((c) => c.name).join(' ')],
    ['HPC_HA_OOD_VERSION', spec.ondemand.version],
    ['HPC_HA_OOD_RELEASE_LINE', line],
    ['HPC_HA_OOD_DEX', spec.portal.dexLdap ? 'yes' : ''],
    ['HPC_HA_OOD_REPOSITORY_URL', spec.ondemand.bundle ? '' : (spec.ondemand.repositoryUrl ?? OOD_REPOSITORY_URL)],
    ['HPC_HA_OOD_DEFAULT_REPOSITORY_URL', OOD_REPOSITORY_URL],
    ['HPC_HA_OOD_BUNDLE_URI', spec.ondemand.bundle?.uri ?? ''],
    ['HPC_HA_OOD_BUNDLE_SHA256', spec.ondemand.bundle?.sha256 ?? ''],
    ['HPC_HA_SERVER_NAME', spec.portal.serverName],
    ['HPC_HA_TLS_CERT_FILE', certificate.certFile],
    ['HPC_HA_TLS_KEY_FILE', certificate.keyFile],
    ['HPC_HA_LDAP_CA_URI', spec.ldapCaCertificate?.uri ?? ''],
    ['HPC_HA_LDAP_CA_SHA256', spec.ldapCaCertificate?.sha256 ?? ''],
    ['HPC_HA_LDAP_CA_FILE', caFile ?? ''],
    ['HPC_HA_OIDC_PASSPHRASE_SECRET_ARN', passphraseArn],
    ['HPC_HA_OIDC_PASSPHRASE_SECRET_KEY', passphraseKey],
    ['HPC_HA_LDAP_BIND_SECRET_ARN', bindArn],
    ['HPC_HA_LDAP_BIND_SECRET_KEY', bindKey],
    ['HPC_HA_OIDC_CLIENT_SECRET_ARN', clientArn],
    ['HPC_HA_OIDC_CLIENT_SECRET_KEY', clientKey],
    ['HPC_HA_OOD_PORTAL_YML', renderOodPortalYml(portal)],
    ['HPC_HA_LDAP_HOSTS', ldapHosts.join(' ')],
    ['HPC_HA_HEALTH_FILE', OOD_HEALTH_FILE],
    ['HPC_HA_OOD_HOME_HOOK_FILE', homeRoot ? OOD_HOME_HOOK_FILE : ''],
    ['HPC_HA_OOD_BRANDING_YML', renderOodBrandingYml(spec.branding ?? { title: 'Open OnDemand' })],
    ...shown.flatMap((c): ShellLine[] => [
      { comment: 'shellcheck disable=SC2034 # read as ${!name} when the cluster publishes' },
      [
        clusterVariable(c.name),
        renderOodClusterYml({
          title: c.label ?? c.name,
          slurmBinDir: `${slurmPrefix}/bin`,
          slurmConf: `${slurmConfigDir}/${c.name}/slurm.conf`,
          loginHost: OOD_BOOT_VALUES.loginHost,
          ...(c.desktop ? { desktopCluster: c.name } : {}),
        }),
      ],
    ]),
    ['HPC_HA_OOD_DESKTOP_CLUSTERS', desktops.map((d) => d.cluster).join(' ')],
    ...desktops.flatMap((d): ShellLine[] => [
      { comment: 'shellcheck disable=SC2034 # read as ${!name} by install_desktop_apps' },
      [desktopVariable('FORM', d.cluster), renderOodDesktopAppYml(d)],
      { comment: 'shellcheck disable=SC2034 # read as ${!name} by install_desktop_apps' },
      [desktopVariable('SUBMIT', d.cluster), renderOodDesktopSubmitYml(d)],
    ]),
  ];
  return toShellAssignments(lines, { readonly: true });
}

/** The static bash body of the bootstrap: no spec value in it, so infra can ship it as an asset. */
export function renderOodBootstrapProgram(): string {
  // The shared node steps and sssd step go in at the program's marker; Dex's directory failover, the home hook's text
  // and the desktop step (functions only) just before its last line, node_main, which runs them.
  const program = composePortalProgram(OOD_BOOTSTRAP_PROGRAM);
  const at = program.lastIndexOf('\nnode_main\n');
  if (at < 0) throw new Error('internal error: program.sh does not end with node_main');
  return `${program.slice(0, at)}\n${OOD_DIRECTORY_FAILOVER_STEP}\n${OOD_HOME_HOOK_FUNCTION}\n${OOD_DESKTOP_STEP}${program.slice(at)}`;
}

/** The complete script an Open OnDemand node runs as EC2 user data: shebang, settings block, program. */
export function renderOodBootstrap(spec: OodBootstrapSpec): string {
  return `#!/usr/bin/env bash\n${renderOodBootstrapEnv(spec)}\n${renderOodBootstrapProgram()}`;
}
