import { toShellAssignments, type ShellLine } from '@hpc-ha/enginframe-config';
import { SSSD_PORTAL_STEP, sssdStepVariables } from '@hpc-ha/sssd-config';
import { throwIfProblems, validateSpec, type SpecProblem } from '@hpc-ha/enginframe-config/spec-validation';
import { OOD_BOOT_VALUES } from '../boot-values.js';
import { renderOodBrandingYml } from '../branding-yml.js';
import { renderOodClusterYml } from '../cluster-yml.js';
import { DEFAULT_CERTIFICATE, renderOodPortalYml, type OodPortalSpec } from '../portal-yml.js';
import { OOD_HOME_HOOK_FILE, OOD_HOME_HOOK_FUNCTION, renderOodHomeHook } from './home-hook.js';
import { OOD_DIRECTORY_FAILOVER_STEP } from './directory-failover-text.js';
import { OOD_BOOTSTRAP_PROGRAM } from './program-text.js';
import { DEFAULT_LDAP_CA_FILE, OOD_DEFAULT_PACKAGES, OOD_HEALTH_FILE, OOD_REPOSITORY_URL, OodBootstrapSpecSchema, type OodBootstrapSpec } from './spec.js';

function checkSemantics(spec: OodBootstrapSpec): void {
  const problems: SpecProblem[] = [];
  const names = spec.clusters.map((c) => c.name);
  spec.clusters.forEach((c, i) => {
    if (names.indexOf(c.name) !== i) problems.push({ path: `/clusters/${i}/name`, message: `duplicates cluster ${c.name}` });
    const variable = c.name.toUpperCase().replace(/-/g, '_');
    if (spec.clusters.findIndex((o) => o.name.toUpperCase().replace(/-/g, '_') === variable) !== i)
      problems.push({ path: `/clusters/${i}/name`, message: `${c.name} differs from another cluster name only in case or - vs _` });
  });
  if (!names.includes(spec.ownCluster)) problems.push({ path: '/ownCluster', message: `is not one of the clusters (${names.join(', ')})` });
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
  const portal: OodPortalSpec = {
    ...withHook,
    serverAliases: [OOD_BOOT_VALUES.nodeAddress],
    ...(withHook.dexLdap ? { dexLdap: { ...withHook.dexLdap, host: OOD_BOOT_VALUES.ldapHost } } : {}),
  };
  const shown = spec.clusters.filter((c) => c.show !== false);
  const [line] = spec.ondemand.version.match(/^\d+\.\d+/)!;
  const secret = (s: { secretArn: string; jsonKey?: string } | undefined): [string, string] => [s?.secretArn ?? '', s?.jsonKey ?? ''];
  const [passphraseArn, passphraseKey] = secret(spec.secrets.oidcCryptoPassphrase);
  const [bindArn, bindKey] = secret(spec.secrets.ldapBindPassword);
  const [clientArn, clientKey] = secret(spec.secrets.oidcClientSecret);

  const lines: ShellLine[] = [
    { comment: 'hpc-ha Open OnDemand bootstrap settings (generated by @hpc-ha/ondemand-config; no secrets, ARNs only)' },
    ['HPC_HA_REGION', spec.region],
    ['HPC_HA_PARTITION', spec.partition],
    ['HPC_HA_URL_SUFFIX', spec.urlSuffix],
    ['HPC_HA_NODE_INDEX', String(spec.nodeIndex)],
    ['HPC_HA_EFS_ID', spec.efs.fileSystemId],
    ['HPC_HA_EFS_MOUNT_DIR', spec.efs.mountDir ?? '/efs'],
    ['HPC_HA_EFS_MOUNT_OPTIONS', spec.efs.mountOptions ?? '_netdev,tls'],
    ['HPC_HA_PUBLICATION_ROOT', spec.efs.publicationRoot ?? 'hpc-ha'],
    ['HPC_HA_FSX_MOUNTS', spec.fsx.map((f) => `${f.fileSystemId} ${f.dnsName} ${f.mountName} ${f.mountDir}`).join('\n')],
    ['HPC_HA_CLUSTERS', spec.clusters.map((c) => c.name).join(' ')],
    ['HPC_HA_SHOWN_CLUSTERS', shown.map((c) => c.name).join(' ')],
    ['HPC_HA_OWN_CLUSTER', spec.ownCluster],
    ['HPC_HA_MUNGE_SECRET_ARN', spec.mungeKeySecretArn],
    ['HPC_HA_OOD_VERSION', spec.ondemand.version],
    ['HPC_HA_OOD_RELEASE_LINE', line],
    ['HPC_HA_OOD_DEX', spec.portal.dexLdap ? 'yes' : ''],
    ['HPC_HA_OOD_REPOSITORY_URL', spec.ondemand.bundle ? '' : (spec.ondemand.repositoryUrl ?? OOD_REPOSITORY_URL)],
    ['HPC_HA_OOD_DEFAULT_REPOSITORY_URL', OOD_REPOSITORY_URL],
    ['HPC_HA_OOD_BUNDLE_URI', spec.ondemand.bundle?.uri ?? ''],
    ['HPC_HA_OOD_BUNDLE_SHA256', spec.ondemand.bundle?.sha256 ?? ''],
    ['HPC_HA_SOURCE_TIMEOUT_SECONDS', String(spec.timeouts?.packageSourceSeconds ?? 120)],
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
    ['HPC_HA_LOCAL_SLURM_PREFIX', slurmPrefix],
    ['HPC_HA_SLURM_CONFIG_DIR', slurmConfigDir],
    ['HPC_HA_SIGNAL_STACK', spec.signal?.stackName ?? ''],
    ['HPC_HA_SIGNAL_RESOURCE', spec.signal?.logicalResourceId ?? ''],
    ['HPC_HA_SIGNAL_REGION', spec.signal?.region ?? spec.region],
    ['HPC_HA_LOG_FILE', spec.logFile ?? '/var/log/hpc-ha/ondemand-bootstrap.log'],
    ['HPC_HA_CLUSTER_WAIT_SECONDS', String(spec.timeouts?.clusterPublicationSeconds ?? 1800)],
    ['HPC_HA_POLL_SECONDS', String(spec.timeouts?.pollSeconds ?? 10)],
    ['HPC_HA_PACKAGES', (spec.packages ?? OOD_DEFAULT_PACKAGES).join(' ')],
    ['HPC_HA_RESYNC_MINUTES', String(spec.resyncMinutes ?? 5)],
    ...sssdStepVariables(spec.directory ?? { directoryType: 'none' }),
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
        }),
      ],
    ]),
  ];
  return toShellAssignments(lines, { readonly: true });
}

/** The static bash body of the bootstrap: no spec value in it, so infra can ship it as an asset. */
export function renderOodBootstrapProgram(): string {
  // The shared directory step, Dex's directory failover and the home hook's text (functions only) go in just before
  // main(), which calls them.
  const at = OOD_BOOTSTRAP_PROGRAM.lastIndexOf('\nmain() {');
  if (at < 0) throw new Error('internal error: program.sh has no main()');
  return `${OOD_BOOTSTRAP_PROGRAM.slice(0, at)}\n${SSSD_PORTAL_STEP}\n${OOD_DIRECTORY_FAILOVER_STEP}\n${OOD_HOME_HOOK_FUNCTION}${OOD_BOOTSTRAP_PROGRAM.slice(at)}`;
}

/** The complete script an Open OnDemand node runs as EC2 user data: shebang, settings block, program. */
export function renderOodBootstrap(spec: OodBootstrapSpec): string {
  return `#!/usr/bin/env bash\n${renderOodBootstrapEnv(spec)}\n${renderOodBootstrapProgram()}`;
}
