import { PropertyErrors } from '../runtime/props.js';
import { CLUSTER_TEARDOWN_DEFAULTS, CLUSTER_TEARDOWN_PROPERTIES as K } from '../properties.js';

export interface TeardownProps {
  clusterNames: string[];
  major: 2 | 3;
  maxWaitSeconds: number;
}

/** ParallelCluster's own rule for cluster names (letters, digits, hyphens; starts with a letter). */
const CLUSTER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,59}$/;
const VERSION = /^(\d+)\.\d+\.\d+([a-z0-9.+-]*)?$/i;

export function parseTeardownProps(raw: Readonly<Record<string, unknown>> | undefined): TeardownProps {
  const p = new PropertyErrors(raw ?? {});
  const clusterNames = p.stringList(K.clusterNames) ?? [];
  if (raw?.[K.clusterNames] === undefined) p.add(K.clusterNames, 'is required');
  else if (clusterNames.length === 0) p.add(K.clusterNames, 'must name at least one cluster');
  clusterNames.forEach((name, i) => {
    if (!CLUSTER_NAME.test(name)) p.add(`${K.clusterNames}[${i}]`, `"${name}" is not a ParallelCluster cluster name`);
  });
  if (new Set(clusterNames).size !== clusterNames.length) p.add(K.clusterNames, 'has duplicates');
  const version = p.requiredString(K.parallelClusterVersion);
  const match = VERSION.exec(version);
  let major: 2 | 3 = 3;
  if (version && (!match || (match[1] !== '2' && match[1] !== '3'))) {
    p.add(K.parallelClusterVersion, `must be a ParallelCluster 2.x or 3.x version such as 3.13.0, got "${version}"`);
  } else if (match?.[1] === '2') {
    major = 2;
  }
  const maxWaitSeconds = p.integer(K.maxWaitSeconds, CLUSTER_TEARDOWN_DEFAULTS.maxWaitSeconds, 60, 3600);
  p.check('cluster teardown');
  return { clusterNames, major, maxWaitSeconds };
}

/** The CloudFormation stack ParallelCluster creates for a cluster: v3 uses the name, v2 a prefix. */
export function stackNameFor(clusterName: string, major: 2 | 3): string {
  return major === 2 ? `parallelcluster-${clusterName}` : clusterName;
}
