import type { RegionProfile } from '../region-profile.js';
import type { DeploymentConfigFile } from '../schema.js';
import { checkAccounting } from './accounting.js';
import { checkArns } from './arns.js';
import { checkArtifacts } from './artifacts.js';
import { checkClusters } from './clusters.js';
import { checkNodeCapacity } from './node-capacity.js';
import { checkDatabase } from './database.js';
import { checkDesktop } from './desktop.js';
import { checkDirectory } from './directory.js';
import { checkHeadNodeSsh } from './head-node-ssh.js';
import { checkX86InstanceType, PORTAL_ROLE } from './instances.js';
import { checkIdentity } from './names.js';
import { checkLoadBalancer, checkNetwork } from './network.js';
import { checkNotifications } from './notifications.js';
import { checkPortalKind } from './portal-kind.js';
import { Report, type RawIssue } from './report.js';
import { checkStorage } from './storage.js';
import { checkTags } from './tags.js';

export type { RawIssue } from './report.js';
export { fsxDeploymentType, defaultThroughput } from './storage.js';
export { enginframeVersion } from './artifacts.js';

/** Rules the JSON Schema cannot express; run on a file that already passed the schema. */
export function semanticIssues(c: DeploymentConfigFile, profile: RegionProfile | undefined): RawIssue[] {
  const r = new Report();
  checkIdentity(c, r);
  checkTags(c, r);
  checkNetwork(c, profile, r);
  checkX86InstanceType(['portal', 'instanceType'], c.portal.instanceType, PORTAL_ROLE, r);
  if (c.portal.keyName !== undefined && (c.portal.keyName.length === 0 || c.portal.keyName.length > 255)) {
    r.error(['portal', 'keyName'], 'key pair names are 1 to 255 characters');
  }
  checkPortalKind(c, profile, r);
  checkArns(c, profile, r);
  checkArtifacts(c, profile, r);
  checkDatabase(c, profile, r);
  checkStorage(c, profile, r);
  checkLoadBalancer(c, profile, r);
  checkClusters(c, r);
  checkHeadNodeSsh(c, r);
  checkNodeCapacity(c, r);
  checkDirectory(c, profile, r);
  checkDesktop(c, profile, r);
  checkAccounting(c, r);
  checkNotifications(c, r);
  return r.issues;
}
