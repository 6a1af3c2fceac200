import { clusterLimits, LEGACY_MINORS, MIN_V3, parsePclusterVersion, supportedOses } from '../parallelcluster.js';
import type { PathSegment } from '../paths.js';
import { CLUSTER_IDS, clusterName } from '../resolved.js';
import type { DeploymentConfigFile, QueueConfig } from '../schema.js';
import { checkX86InstanceType, CLUSTER_ROLE } from './instances.js';
import type { Report } from './report.js';
import { quote } from './report.js';

/** AWS ended support of ParallelCluster 2.x on this date (its support policy page). */
export const PCLUSTER_2_END_OF_SUPPORT = '2023-12-31';

const PC_NAME = /^[a-z][a-z0-9-]*$/;
const PC_CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,59}$/;

/** ParallelCluster's rule for queue and compute-resource names (NameValidator). */
function checkPcName(path: readonly PathSegment[], name: string, what: string, r: Report): void {
  if (!PC_NAME.test(name)) {
    r.error(path, `${what} name ${quote(name)} must start with a lower-case letter and contain only lower-case letters, digits and hyphens`);
  } else if (name.length > 25) {
    r.error(path, `${what} name ${quote(name)} is ${name.length} characters; ParallelCluster allows at most 25`);
  } else if (name === 'default') {
    r.error(path, `${what} name "default" is reserved by ParallelCluster`);
  }
}

function checkQueue(path: readonly PathSegment[], q: QueueConfig, r: Report): void {
  checkPcName([...path, 'name'], q.name, 'queue', r);
  const seen = new Set<string>();
  q.computeResources.forEach((cr, j) => {
    const crPath = [...path, 'computeResources', j];
    checkPcName([...crPath, 'name'], cr.name, 'compute resource', r);
    if (seen.has(cr.name)) r.error([...crPath, 'name'], `compute resource ${quote(cr.name)} appears twice in queue ${quote(q.name)}`);
    seen.add(cr.name);
    checkX86InstanceType([...crPath, 'instanceType'], cr.instanceType, CLUSTER_ROLE, r);
    if (cr.minCount > cr.maxCount) r.error([...crPath, 'minCount'], `minCount (${cr.minCount}) is larger than maxCount (${cr.maxCount})`);
  });
}

function checkVersionAndOs(c: DeploymentConfigFile, r: Report): ReturnType<typeof parsePclusterVersion> {
  const v = parsePclusterVersion(c.clusters.parallelclusterVersion);
  const at = ['clusters', 'parallelclusterVersion'];
  if (!v) {
    r.error(at, `${quote(c.clusters.parallelclusterVersion)} is not a version such as 3.16.3 (quote it in YAML so it stays a string)`);
    return undefined;
  }
  if (v.major === 2) {
    if (!(LEGACY_MINORS as readonly number[]).includes(v.minor)) {
      r.error(at, `ParallelCluster ${c.clusters.parallelclusterVersion} is not supported; legacy clusters must be 2.10.x or 2.11.x`);
    } else if (c.clusters.provisioner !== 'instance') {
      r.error(at, `ParallelCluster 2.x clusters can only be created with clusters.provisioner: instance (CloudFormation-managed clusters need 3.6 or later)`);
    } else {
      r.warning(at, `ParallelCluster ${c.clusters.parallelclusterVersion} is out of support since ${PCLUSTER_2_END_OF_SUPPORT} (no fixes, no security updates); use it only to reproduce a legacy deployment, and plan the move to 3.x`);
    }
  } else if (v.major !== 3 || v.minor < MIN_V3.minor) {
    r.error(at, `ParallelCluster ${c.clusters.parallelclusterVersion} is not supported; use ${MIN_V3.major}.${MIN_V3.minor}.0 or later (one shared munge key needs MungeKeySecretArn), or 2.10.x/2.11.x`);
  }
  const oses = supportedOses(v);
  if (!oses.includes(c.clusters.os)) {
    r.error(['clusters', 'os'], `${quote(c.clusters.os)} is not an OS ParallelCluster ${c.clusters.parallelclusterVersion} supports with FSx for Lustre; use one of ${oses.join(', ')}`);
  } else if (c.clusters.os === 'alinux2' && v.major === 3) {
    r.warning(['clusters', 'os'], 'Amazon Linux 2 reached end of support on 2026-06-30; prefer alinux2023');
  }
  return v;
}

export function checkClusters(c: DeploymentConfigFile, r: Report): void {
  checkX86InstanceType(['clusters', 'headNode', 'instanceType'], c.clusters.headNode.instanceType, CLUSTER_ROLE, r);
  const v = checkVersionAndOs(c, r);

  c.clusters.queues.forEach((q, i) => checkQueue(['clusters', 'queues', i], q, r));
  for (const id of CLUSTER_IDS) {
    c.clusters.overrides[id]?.queues?.forEach((q, i) => checkQueue(['clusters', 'overrides', id, 'queues', i], q, r));
  }

  for (const id of CLUSTER_IDS) {
    const name = clusterName(c.name, id);
    if (!PC_CLUSTER_NAME.test(name)) r.error(['name'], `gives cluster name ${quote(name)}, which ParallelCluster rejects`);
    // Queue names must be unique within each cluster, counting the shared queues and this cluster's own.
    const queues: { q: QueueConfig; path: PathSegment[] }[] = [
      ...c.clusters.queues.map((q, i) => ({ q, path: ['clusters', 'queues', i] })),
      ...(c.clusters.overrides[id]?.queues ?? []).map((q, i) => ({ q, path: ['clusters', 'overrides', id, 'queues', i] })),
    ];
    const byName = new Map<string, PathSegment[]>();
    for (const { q, path } of queues) {
      const first = byName.get(q.name);
      if (first) r.error([...path, 'name'], `queue ${quote(q.name)} is defined twice for ${id} (first at ${first.join('.')})`);
      else byName.set(q.name, path);
    }
    if (!v) continue;
    const limits = clusterLimits(v);
    if (queues.length > limits.queues) {
      r.error(['clusters', 'queues'], `${id} would have ${queues.length} queues; ParallelCluster ${v.major}.x allows at most ${limits.queues}`);
    }
    const crCount = queues.reduce((n, { q }) => n + q.computeResources.length, 0);
    if (crCount > limits.computeResourcesPerCluster) {
      r.error(['clusters', 'queues'], `${id} would have ${crCount} compute resources; ParallelCluster ${v.major}.x allows at most ${limits.computeResourcesPerCluster}`);
    }
    for (const { q, path } of queues) {
      if (q.computeResources.length > limits.computeResourcesPerQueue) {
        r.error([...path, 'computeResources'], `queue ${quote(q.name)} has ${q.computeResources.length} compute resources; ParallelCluster ${v.major}.x allows at most ${limits.computeResourcesPerQueue} per queue`);
      }
    }
  }
}
