export { COMMAND_TIMEOUT_MS, account, createTestUser, rehearsalMissing, removeTestUser, run, type Account, type RunResult } from './host.js';
export { nodeState, serverSlurmConf, startMunged, type ComputeNodeView, type ServerCluster } from './daemons.js';
export { PORTAL_ACCOUNTS, portalHost, type PortalHost } from './portal-host.js';
export {
  adminCommand,
  startSlurmClusters,
  writeMungeKey,
  type RehearsalCluster,
  type RehearsalClusterInput,
  type SlurmRehearsal,
  type SlurmRehearsalOptions,
} from './clusters.js';
export { accountingMissing, slurmdbdConf, startSlurmdbd, type AccountingStorage } from './slurmdbd.js';
