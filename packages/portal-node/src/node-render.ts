import { SSSD_PORTAL_STEP, sssdStepVariables } from '@hpc-ha/sssd-config';
import { NODE_DEFAULTS, NODE_DEFAULT_TIMEOUTS } from './defaults.js';
import { NODE_STEPS } from './node-steps-text.js';
import type { ShellLine } from './shell.js';
import type { PortalNodeSpec } from './spec.js';
import type { SpecProblem } from './validate.js';

/** The line in each portal's program.sh where render puts the shared node steps and the sssd step. */
export const NODE_STEPS_MARKER = '# @hpc-ha/portal-node: the shared node steps go here';

/** The checks every portal node spec needs: cluster names, this node's cluster, its FSx, no directory mounted twice. */
export function checkNodeSpec(spec: PortalNodeSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const names = spec.clusters.map((c) => c.name);
  spec.clusters.forEach((c, i) => {
    if (names.indexOf(c.name) !== i) problems.push({ path: `/clusters/${i}/name`, message: `duplicates cluster ${c.name}` });
  });
  if (!names.includes(spec.ownCluster)) problems.push({ path: '/ownCluster', message: `is not one of the clusters (${names.join(', ')})` });
  const dirs = [spec.efs.mountDir ?? NODE_DEFAULTS.efsMountDir, ...spec.fsx.map((f) => f.mountDir)];
  spec.fsx.forEach((f, i) => {
    if (dirs.indexOf(f.mountDir) !== i + 1) problems.push({ path: `/fsx/${i}/mountDir`, message: `${f.mountDir} is mounted twice` });
    if (!names.includes(f.cluster)) problems.push({ path: `/fsx/${i}/cluster`, message: `is not one of the clusters (${names.join(', ')})` });
  });
  if (spec.fsx.length > 0 && !spec.fsx.some((f) => f.cluster === spec.ownCluster))
    problems.push({ path: '/fsx', message: `has no file system of this node's own cluster ${spec.ownCluster}` });
  return problems;
}

/** How a portal's render fills the node-level settings it alone knows. */
export interface NodeStepOptions {
  /** Where the bootstrap logs when the spec names no file. */
  readonly defaultLogFile: string;
  /** dnf packages when the spec lists none. */
  readonly defaultPackages: readonly string[];
  /**
   * The metadata allow-list: `name=uid` for a service account the program creates later with that UID, or a name
   * looked up at boot. Root is always allowed.
   */
  readonly imdsAllowedUsers: readonly string[];
  /**
   * true only where the node creates its own cluster (EnginFrame's `provisioner: instance`): it then waits for the
   * cluster's publication. Otherwise the portal serves first and clusters join through the re-sync.
   */
  readonly waitForOwnCluster: boolean;
}

/** The `HPC_HA_*` settings the shared node steps read, for the portal's `readonly` settings block. */
export function nodeStepVariables(spec: PortalNodeSpec, options: NodeStepOptions): ShellLine[] {
  const t = { ...NODE_DEFAULT_TIMEOUTS, ...spec.timeouts };
  const fsx = spec.fsx.map((f) => `${f.fileSystemId} ${f.dnsName} ${f.mountName} ${f.mountDir} ${f.cluster === spec.ownCluster ? 'required' : 'optional'}`);
  return [
    ['HPC_HA_REGION', spec.region],
    ['HPC_HA_PARTITION', spec.partition],
    ['HPC_HA_URL_SUFFIX', spec.urlSuffix],
    ['HPC_HA_NODE_INDEX', String(spec.nodeIndex)],
    ['HPC_HA_EFS_ID', spec.efs.fileSystemId],
    ['HPC_HA_EFS_MOUNT_DIR', spec.efs.mountDir ?? NODE_DEFAULTS.efsMountDir],
    ['HPC_HA_EFS_MOUNT_OPTIONS', spec.efs.mountOptions ?? NODE_DEFAULTS.efsMountOptions],
    ['HPC_HA_PUBLICATION_ROOT', spec.efs.publicationRoot ?? NODE_DEFAULTS.publicationRoot],
    ['HPC_HA_FSX_MOUNTS', fsx.join('\n')],
    ['HPC_HA_FSX_MOUNT_TIMEOUT', String(t.remoteMountSeconds)],
    ['HPC_HA_FSX_IDLE_TIMEOUT', String(t.remoteIdleSeconds)],
    ['HPC_HA_CLUSTERS', spec.clusters.map((c) => c.name).join(' ')],
    ['HPC_HA_OWN_CLUSTER', spec.ownCluster],
    ['HPC_HA_WAIT_FOR_OWN_CLUSTER', options.waitForOwnCluster ? 'yes' : 'no'],
    ['HPC_HA_MUNGE_SECRET_ARN', spec.mungeKeySecretArn],
    ['HPC_HA_IMDS_ALLOWED_USERS', options.imdsAllowedUsers.join(' ')],
    ['HPC_HA_LOCAL_SLURM_PREFIX', spec.slurm?.prefix ?? NODE_DEFAULTS.slurmPrefix],
    ['HPC_HA_SLURM_CONFIG_DIR', spec.slurm?.configDir ?? NODE_DEFAULTS.slurmConfigDir],
    ['HPC_HA_SIGNAL_STACK', spec.signal?.stackName ?? ''],
    ['HPC_HA_SIGNAL_RESOURCE', spec.signal?.logicalResourceId ?? ''],
    ['HPC_HA_SIGNAL_REGION', spec.signal?.region ?? spec.region],
    ['HPC_HA_LOG_FILE', spec.logFile ?? options.defaultLogFile],
    ['HPC_HA_CLUSTER_WAIT_SECONDS', String(t.clusterPublicationSeconds)],
    ['HPC_HA_SERVICE_WAIT_SECONDS', String(t.serviceSeconds)],
    ['HPC_HA_SOURCE_TIMEOUT_SECONDS', String(t.packageSourceSeconds)],
    ['HPC_HA_POLL_SECONDS', String(t.pollSeconds)],
    ['HPC_HA_PACKAGES', (spec.packages ?? options.defaultPackages).join(' ')],
    ['HPC_HA_RESYNC_MINUTES', String(spec.resyncMinutes ?? NODE_DEFAULTS.resyncMinutes)],
    ...sssdStepVariables(spec.directory ?? { directoryType: 'none' }),
  ];
}

/**
 * A portal's static program with the shared node steps and @hpc-ha/sssd-config's step in place of its
 * {@link NODE_STEPS_MARKER} line: after the portal's own constants, before any function that calls them.
 */
export function composePortalProgram(program: string): string {
  const lines = program.split('\n');
  const at = lines.indexOf(NODE_STEPS_MARKER);
  if (at < 0 || lines.indexOf(NODE_STEPS_MARKER, at + 1) >= 0) {
    throw new Error(`internal error: the portal program must hold the line "${NODE_STEPS_MARKER}" exactly once`);
  }
  return [...lines.slice(0, at), NODE_STEPS + SSSD_PORTAL_STEP, ...lines.slice(at + 1)].join('\n');
}
