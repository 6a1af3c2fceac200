import { jdbcUrl } from '../database.js';
import { BOOT_VALUES, renderEfinstallConfig } from '../efinstall.js';
import { renderAgentConfSettings, renderEnginframeConfSettings, renderServerConfSettings } from '../runtime-conf.js';
import { renderEfSlurmConf } from '../slurm.js';
import { checkNodeSpec, composePortalProgram, ENGINFRAME_DEFAULT_TIMEOUTS, nodeStepVariables } from '@hpc-ha/portal-node';
import { throwIfProblems, toShellAssignments, validateSpec, type ShellLine, type SpecProblem } from '@hpc-ha/portal-node';
import { PORTAL_BOOTSTRAP_PROGRAM } from './program-text.js';
import { DEFAULT_PACKAGES, PortalBootstrapSpecSchema, type PortalBootstrapSpec } from './spec.js';

/** The uniform account numbers of CONTRACTS.md. */
export const DEFAULT_ACCOUNTS = { efadmin: { uid: 5000, gid: 5000 }, efnobody: { uid: 5001, gid: 5001 } } as const;

function efClusterId(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function checkSemantics(spec: PortalBootstrapSpec): void {
  const problems: SpecProblem[] = checkNodeSpec(spec);
  spec.clusters.forEach((c, i) => {
    const id = c.id ?? efClusterId(c.name);
    if (spec.clusters.findIndex((o) => (o.id ?? efClusterId(o.name)) === id) !== i)
      problems.push({ path: `/clusters/${i}/id`, message: `EnginFrame cluster id ${id} is used twice` });
  });
  if (spec.pcluster && spec.pcluster.clusterName !== spec.ownCluster)
    problems.push({ path: '/pcluster/clusterName', message: `must be this node's own cluster (${spec.ownCluster})` });
  if (spec.pcluster) {
    const legacy = spec.pcluster.version.startsWith('2.');
    const [want, other] = legacy ? (['configIni', 'configYaml'] as const) : (['configYaml', 'configIni'] as const);
    const line = legacy ? 'ParallelCluster 2.x reads an INI file' : 'ParallelCluster 3.x reads a YAML file';
    if (spec.pcluster[want] === undefined && spec.pcluster.configObject === undefined) {
      problems.push({ path: `/pcluster/${want}`, message: `is required for version ${spec.pcluster.version} (${line}), unless configObject gives it` });
    }
    if (spec.pcluster[want] !== undefined && spec.pcluster.configObject !== undefined) {
      problems.push({ path: '/pcluster/configObject', message: `give the config once: ${want} or configObject` });
    }
    if (spec.pcluster[other] !== undefined) problems.push({ path: `/pcluster/${other}`, message: `does not apply to version ${spec.pcluster.version} (${line}; give ${want})` });
  }
  const efsDir = spec.efs.mountDir ?? '/efs';
  const niceRoot = spec.enginframe.niceRoot ?? `${efsDir}/nice`;
  if (!`${niceRoot}/`.startsWith(`${efsDir}/`))
    problems.push({ path: '/enginframe/niceRoot', message: `must be on the shared EFS mount ${efsDir} (Enterprise shares one install)` });
  throwIfProblems('portal bootstrap spec', problems);
}

/** The `readonly HPC_HA_*="..."` block that carries every spec value to the static program. */
export function renderPortalBootstrapEnv(input: PortalBootstrapSpec): string {
  const spec = validateSpec(PortalBootstrapSpecSchema, input, 'portal bootstrap spec');
  checkSemantics(spec);

  const efsDir = spec.efs.mountDir ?? '/efs';
  const ef = spec.enginframe;
  const ports = { https: 8443, shutdown: 8005, agentRmi: 9999, agentRmiBind: 9998, enterprise: 7800, ...ef.ports };
  const heap = { serverMin: '1024m', serverMax: '4096m', agentMin: '512m', agentMax: '2048m', ...ef.heap };
  const accounts = { ...DEFAULT_ACCOUNTS, ...spec.accounts };
  const niceRoot = ef.niceRoot ?? `${efsDir}/nice`;
  const context = ef.rootContext ?? 'enginframe';
  const slurmPrefix = spec.slurm?.prefix ?? '/opt/slurm';
  const slurmConfigDir = spec.slurm?.configDir ?? '/etc/hpc-ha/slurm';
  const licensePath = `${niceRoot}/license/license.ef`;
  const packages = [...(spec.packages ?? DEFAULT_PACKAGES)];
  // The 3.x CLI synthesizes its templates with CDK, hence Node.js; 2.x is Python only.
  const cliPackages = spec.pcluster ? (spec.pcluster.version.startsWith('2.') ? ['python3'] : ['python3', 'nodejs']) : [];
  for (const p of cliPackages) if (!packages.includes(p)) packages.push(p);

  const efinstall = renderEfinstallConfig({
    version: ef.version,
    ...(ef.introTargets ? { introTargets: ef.introTargets } : {}),
    niceRoot,
    javaHome: BOOT_VALUES.javaHome,
    ...(spec.licenseFile ? { licenseFile: licensePath } : {}),
    adminUser: 'efadmin',
    tomcatUser: 'efnobody',
    rootContext: context,
    ports: { https: ports.https, shutdown: ports.shutdown, agentRmi: ports.agentRmi, agentRmiBind: ports.agentRmiBind },
    tomcatHostname: BOOT_VALUES.hostname,
    database: {
      jdbcUrl: jdbcUrl({
        host: spec.database.host,
        port: spec.database.port ?? 3306,
        database: spec.database.name ?? 'EnginFrameDB',
        ...(spec.database.jdbcParams ? { params: spec.database.jdbcParams } : {}),
      }),
      user: spec.database.user,
      savePasswordInKeystore: true,
    },
    enterpriseServers: [BOOT_VALUES.enterpriseServers],
    startAtBoot: true,
    installDemo: false,
    pamService: ef.pamService ?? 'system-auth',
    slurmBinariesPath: `${slurmPrefix}/bin`,
  });
  const efSlurmConf = renderEfSlurmConf({
    binDir: `${slurmPrefix}/bin`,
    clusters: spec.clusters.map((c) => ({
      id: c.id ?? efClusterId(c.name),
      label: c.label ?? c.name,
      conf: `${slurmConfigDir}/${c.name}/slurm.conf`,
    })),
  });
  const serverSettings = renderServerConfSettings({
    enterpriseMembers: BOOT_VALUES.enterpriseServers,
    enterpriseMembersProperty: ef.enterpriseMembersProperty ?? 'ef.enterprise.tcp.servers',
    defaultAuthority: 'pam',
  });
  // The agent fetches files from its own server: through the load balancer it would meet the ALB's CIDR-only
  // security group and the node's self-signed certificate (the AWS EnginFrame samples point it at localhost too).
  const agentSettings = renderAgentConfSettings({ downloadServerUrl: ef.downloadServerUrl ?? `https://localhost:${ports.https}/${context}/download` });
  const enginframeSettings = renderEnginframeConfSettings({
    javaHome: BOOT_VALUES.javaHome,
    serverMinHeap: heap.serverMin,
    serverMaxHeap: heap.serverMax,
    agentMinHeap: heap.agentMin,
    agentMaxHeap: heap.agentMax,
    ...(ef.serverJavaOptions !== undefined ? { serverJavaOptions: ef.serverJavaOptions } : {}),
    ...(ef.agentJavaOptions !== undefined ? { agentJavaOptions: ef.agentJavaOptions } : {}),
  });

  const lines: ShellLine[] = [
    { comment: 'hpc-ha portal bootstrap settings (generated by @hpc-ha/enginframe-config; no secrets, ARNs only)' },
    ...nodeStepVariables(spec, {
      defaultLogFile: '/var/log/hpc-ha/portal-bootstrap.log',
      defaultPackages: packages,
      // efnobody runs EnginFrame's server, whose licence check on EC2 uses the instance role; it is created later
      // in the boot with its fixed UID, so the firewall names the UID.
      imdsAllowedUsers: (spec.imdsAllowedUsers ?? ['efnobody']).map((u) => (u === 'efnobody' ? `efnobody=${accounts.efnobody.uid}` : u === 'efadmin' ? `efadmin=${accounts.efadmin.uid}` : u)),
      waitForOwnCluster: spec.pcluster !== undefined,
    }),
    ['HPC_HA_EFADMIN_UID', String(accounts.efadmin.uid)],
    ['HPC_HA_EFADMIN_GID', String(accounts.efadmin.gid)],
    ['HPC_HA_EFNOBODY_UID', String(accounts.efnobody.uid)],
    ['HPC_HA_EFNOBODY_GID', String(accounts.efnobody.gid)],
    ['HPC_HA_DB_HOST', spec.database.host],
    ['HPC_HA_DB_PORT', String(spec.database.port ?? 3306)],
    ['HPC_HA_DB_SECRET_ARN', spec.database.appUserSecretArn],
    ['HPC_HA_ADMIN_SECRET_ARN', spec.adminPassword.secretArn],
    ['HPC_HA_ADMIN_SECRET_KEY', spec.adminPassword.jsonKey ?? 'efadminPassword'],
    ['HPC_HA_INSTALLER_URI', spec.installer.uri],
    ['HPC_HA_INSTALLER_SHA256', spec.installer.sha256 ?? ''],
    ['HPC_HA_JDBC_DRIVER_URI', spec.jdbcDriver.uri],
    ['HPC_HA_JDBC_DRIVER_SHA256', spec.jdbcDriver.sha256 ?? ''],
    ['HPC_HA_LICENSE_URI', spec.licenseFile?.uri ?? ''],
    ['HPC_HA_LICENSE_SHA256', spec.licenseFile?.sha256 ?? ''],
    ['HPC_HA_LICENSE_FILE', licensePath],
    ['HPC_HA_EF_VERSION', ef.version],
    ['HPC_HA_NICE_ROOT', niceRoot],
    ['HPC_HA_EF_ENTERPRISE_PORT', String(ports.enterprise)],
    ['HPC_HA_EF_HTTPS_PORT', String(ports.https)],
    ['HPC_HA_EF_ROOT_CONTEXT', context],
    ['HPC_HA_EF_SLURM_CONF_PATH', ef.slurmConfPath ?? 'conf/plugins/slurm/ef.slurm.conf'],
    ['HPC_HA_INSTALL_WAIT_SECONDS', String(spec.timeouts?.installMarkerSeconds ?? ENGINFRAME_DEFAULT_TIMEOUTS.installMarkerSeconds)],
    ['HPC_HA_DB_WAIT_SECONDS', String(spec.timeouts?.databaseSeconds ?? ENGINFRAME_DEFAULT_TIMEOUTS.databaseSeconds)],
    ['HPC_HA_PCLUSTER_VERSION', spec.pcluster?.version ?? ''],
    ['HPC_HA_PCLUSTER_PIP_INDEX_URL', spec.pcluster?.pipIndexUrl ?? ''],
    ['HPC_HA_PCLUSTER_WAIT_SECONDS', String(spec.pcluster?.waitSeconds ?? ENGINFRAME_DEFAULT_TIMEOUTS.pclusterSeconds)],
    ['HPC_HA_PCLUSTER_CONFIG', spec.pcluster?.configYaml ?? spec.pcluster?.configIni ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_URI', spec.pcluster?.configObject?.uri ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_SHA256', spec.pcluster?.configObject?.sha256 ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_VALUES', Object.entries(spec.pcluster?.configObject?.placeholders ?? {}).map(([k, v]) => `${k}\t${v}`).join('\n')],
    ['HPC_HA_EFINSTALL_CONFIG', efinstall],
    ['HPC_HA_EF_SLURM_CONF', efSlurmConf],
    ['HPC_HA_SERVER_CONF_SETTINGS', serverSettings],
    ['HPC_HA_AGENT_CONF_SETTINGS', agentSettings],
    ['HPC_HA_ENGINFRAME_CONF_SETTINGS', enginframeSettings],
  ];
  return toShellAssignments(lines, { readonly: true });
}

/** The static bash body of the portal bootstrap: no spec value in it, so infra can ship it as an asset. */
export function renderPortalBootstrapProgram(): string {
  return composePortalProgram(PORTAL_BOOTSTRAP_PROGRAM);
}

/** The complete script a portal node runs as EC2 user data: shebang, env block, program. */
export function renderPortalBootstrap(spec: PortalBootstrapSpec): string {
  return `#!/usr/bin/env bash\n${renderPortalBootstrapEnv(spec)}\n${renderPortalBootstrapProgram()}`;
}
