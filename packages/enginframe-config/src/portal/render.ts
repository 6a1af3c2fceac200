import { jdbcUrl } from '../database.js';
import { BOOT_VALUES, renderEfinstallConfig } from '../efinstall.js';
import { renderAgentConfSettings, renderEnginframeConfSettings, renderServerConfSettings } from '../runtime-conf.js';
import { toShellAssignments, type ShellLine } from '../shell.js';
import { renderEfSlurmConf } from '../slurm.js';
import { throwIfProblems, validateSpec, type SpecProblem } from '../validate.js';
import { SSSD_PORTAL_STEP, sssdStepVariables } from '@hpc-ha/sssd-config';
import { PORTAL_BOOTSTRAP_PROGRAM } from './program-text.js';
import { DEFAULT_PACKAGES, PortalBootstrapSpecSchema, type PortalBootstrapSpec } from './spec.js';

/** The uniform account numbers of CONTRACTS.md. */
export const DEFAULT_ACCOUNTS = { efadmin: { uid: 5000, gid: 5000 }, efnobody: { uid: 5001, gid: 5001 } } as const;

function efClusterId(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function checkSemantics(spec: PortalBootstrapSpec): void {
  const problems: SpecProblem[] = [];
  const names = spec.clusters.map((c) => c.name);
  spec.clusters.forEach((c, i) => {
    if (names.indexOf(c.name) !== i) problems.push({ path: `/clusters/${i}/name`, message: `duplicates cluster ${c.name}` });
    const id = c.id ?? efClusterId(c.name);
    if (spec.clusters.findIndex((o) => (o.id ?? efClusterId(o.name)) === id) !== i)
      problems.push({ path: `/clusters/${i}/id`, message: `EnginFrame cluster id ${id} is used twice` });
  });
  if (!names.includes(spec.ownCluster)) problems.push({ path: '/ownCluster', message: `is not one of the clusters (${names.join(', ')})` });
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
  const dirs = [efsDir, ...spec.fsx.map((f) => f.mountDir)];
  spec.fsx.forEach((f, i) => {
    if (dirs.indexOf(f.mountDir) !== i + 1) problems.push({ path: `/fsx/${i}/mountDir`, message: `${f.mountDir} is mounted twice` });
    if (!names.includes(f.cluster)) problems.push({ path: `/fsx/${i}/cluster`, message: `is not one of the clusters (${names.join(', ')})` });
  });
  if (spec.fsx.length > 0 && !spec.fsx.some((f) => f.cluster === spec.ownCluster))
    problems.push({ path: '/fsx', message: `has no file system of this node's own cluster ${spec.ownCluster}` });
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
    ['HPC_HA_REGION', spec.region],
    ['HPC_HA_PARTITION', spec.partition],
    ['HPC_HA_URL_SUFFIX', spec.urlSuffix],
    ['HPC_HA_NODE_INDEX', String(spec.nodeIndex)],
    ['HPC_HA_EFADMIN_UID', String(accounts.efadmin.uid)],
    ['HPC_HA_EFADMIN_GID', String(accounts.efadmin.gid)],
    ['HPC_HA_EFNOBODY_UID', String(accounts.efnobody.uid)],
    ['HPC_HA_EFNOBODY_GID', String(accounts.efnobody.gid)],
    ['HPC_HA_EFS_ID', spec.efs.fileSystemId],
    ['HPC_HA_EFS_MOUNT_DIR', efsDir],
    ['HPC_HA_EFS_MOUNT_OPTIONS', spec.efs.mountOptions ?? '_netdev,tls'],
    ['HPC_HA_PUBLICATION_ROOT', spec.efs.publicationRoot ?? 'hpc-ha'],
    [
      'HPC_HA_FSX_MOUNTS',
      spec.fsx.map((f) => `${f.fileSystemId} ${f.dnsName} ${f.mountName} ${f.mountDir} ${f.cluster === spec.ownCluster ? 'required' : 'optional'}`).join('\n'),
    ],
    ['HPC_HA_FSX_MOUNT_TIMEOUT', String(spec.timeouts?.remoteMountSeconds ?? 30)],
    ['HPC_HA_CLUSTERS', spec.clusters.map((c) => c.name).join(' ')],
    ['HPC_HA_OWN_CLUSTER', spec.ownCluster],
    ['HPC_HA_DB_HOST', spec.database.host],
    ['HPC_HA_DB_PORT', String(spec.database.port ?? 3306)],
    ['HPC_HA_DB_SECRET_ARN', spec.database.appUserSecretArn],
    ['HPC_HA_ADMIN_SECRET_ARN', spec.adminPassword.secretArn],
    ['HPC_HA_ADMIN_SECRET_KEY', spec.adminPassword.jsonKey ?? 'efadminPassword'],
    ['HPC_HA_MUNGE_SECRET_ARN', spec.mungeKeySecretArn],
    ['HPC_HA_INSTALLER_URI', spec.installer.uri],
    ['HPC_HA_INSTALLER_SHA256', spec.installer.sha256 ?? ''],
    ['HPC_HA_JDBC_DRIVER_URI', spec.jdbcDriver.uri],
    ['HPC_HA_JDBC_DRIVER_SHA256', spec.jdbcDriver.sha256 ?? ''],
    ['HPC_HA_LICENSE_URI', spec.licenseFile?.uri ?? ''],
    ['HPC_HA_LICENSE_SHA256', spec.licenseFile?.sha256 ?? ''],
    ['HPC_HA_LICENSE_FILE', licensePath],
    ['HPC_HA_IMDS_ALLOWED_USERS', (spec.imdsAllowedUsers ?? ['efnobody']).join(' ')],
    ['HPC_HA_EF_VERSION', ef.version],
    ['HPC_HA_NICE_ROOT', niceRoot],
    ['HPC_HA_EF_ENTERPRISE_PORT', String(ports.enterprise)],
    ['HPC_HA_EF_HTTPS_PORT', String(ports.https)],
    ['HPC_HA_EF_ROOT_CONTEXT', context],
    ['HPC_HA_EF_SLURM_CONF_PATH', ef.slurmConfPath ?? 'conf/plugins/slurm/ef.slurm.conf'],
    ['HPC_HA_LOCAL_SLURM_PREFIX', slurmPrefix],
    ['HPC_HA_SLURM_CONFIG_DIR', slurmConfigDir],
    ['HPC_HA_SIGNAL_STACK', spec.signal?.stackName ?? ''],
    ['HPC_HA_SIGNAL_RESOURCE', spec.signal?.logicalResourceId ?? ''],
    ['HPC_HA_SIGNAL_REGION', spec.signal?.region ?? spec.region],
    ['HPC_HA_LOG_FILE', spec.logFile ?? '/var/log/hpc-ha/portal-bootstrap.log'],
    ['HPC_HA_CLUSTER_WAIT_SECONDS', String(spec.timeouts?.clusterPublicationSeconds ?? 1800)],
    ['HPC_HA_INSTALL_WAIT_SECONDS', String(spec.timeouts?.installMarkerSeconds ?? 3600)],
    ['HPC_HA_DB_WAIT_SECONDS', String(spec.timeouts?.databaseSeconds ?? 900)],
    ['HPC_HA_SERVICE_WAIT_SECONDS', String(spec.timeouts?.serviceSeconds ?? 900)],
    ['HPC_HA_POLL_SECONDS', String(spec.timeouts?.pollSeconds ?? 10)],
    ['HPC_HA_PACKAGES', packages.join(' ')],
    ['HPC_HA_RESYNC_MINUTES', String(spec.resyncMinutes ?? 5)],
    ['HPC_HA_PCLUSTER_VERSION', spec.pcluster?.version ?? ''],
    ['HPC_HA_PCLUSTER_PIP_INDEX_URL', spec.pcluster?.pipIndexUrl ?? ''],
    ['HPC_HA_PCLUSTER_WAIT_SECONDS', String(spec.pcluster?.waitSeconds ?? 3600)],
    ['HPC_HA_PCLUSTER_CONFIG', spec.pcluster?.configYaml ?? spec.pcluster?.configIni ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_URI', spec.pcluster?.configObject?.uri ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_SHA256', spec.pcluster?.configObject?.sha256 ?? ''],
    ['HPC_HA_PCLUSTER_CONFIG_VALUES', Object.entries(spec.pcluster?.configObject?.placeholders ?? {}).map(([k, v]) => `${k}\t${v}`).join('\n')],
    ['HPC_HA_EFINSTALL_CONFIG', efinstall],
    ['HPC_HA_EF_SLURM_CONF', efSlurmConf],
    ['HPC_HA_SERVER_CONF_SETTINGS', serverSettings],
    ['HPC_HA_AGENT_CONF_SETTINGS', agentSettings],
    ['HPC_HA_ENGINFRAME_CONF_SETTINGS', enginframeSettings],
    ...sssdStepVariables(spec.directory ?? { directoryType: 'none' }),
  ];
  return toShellAssignments(lines, { readonly: true });
}

/** The static bash body of the portal bootstrap: no spec value in it, so infra can ship it as an asset. */
export function renderPortalBootstrapProgram(): string {
  // The shared directory step (its functions only) goes in just before main(), which calls it.
  const at = PORTAL_BOOTSTRAP_PROGRAM.lastIndexOf('\nmain() {');
  if (at < 0) throw new Error('internal error: program.sh has no main()');
  return `${PORTAL_BOOTSTRAP_PROGRAM.slice(0, at)}\n${SSSD_PORTAL_STEP}${PORTAL_BOOTSTRAP_PROGRAM.slice(at)}`;
}

/** The complete script a portal node runs as EC2 user data: shebang, env block, program. */
export function renderPortalBootstrap(spec: PortalBootstrapSpec): string {
  return `#!/usr/bin/env bash\n${renderPortalBootstrapEnv(spec)}\n${renderPortalBootstrapProgram()}`;
}
