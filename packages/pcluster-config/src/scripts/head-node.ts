import type { ClusterSpec } from '../spec/cluster-spec.js';
import { parseClusterSpec } from '../spec/parse-spec.js';
import { accountsSection, assertStatic, header } from './common.js';
import { pathsSection, publishSection } from './publish.js';
import { sshdSection } from './sshd.js';

/**
 * The head-node OnNodeConfigured script: creates the portal accounts, then publishes what the EnginFrame portal
 * needs to reach this cluster under `<efs>/<publishRoot>/clusters/<clusterName>/` (slurm.conf client stub, the head
 * node's munge build and cluster.env), each file written to a temporary file and renamed, cluster.env last. Re-running rewrites the
 * same bytes. The munge key is not handled here: ParallelCluster installs it from MungeKeySecretArn.
 */
export function renderHeadNodeScript(input: ClusterSpec): string {
  const spec = parseClusterSpec(input);
  assertStatic(spec);
  return `${header(spec, 'head-node', 'Creates the portal accounts, keeps password SSH off unless asked, and publishes this cluster\'s Slurm client settings on EFS for the portal.')}
${pathsSection(spec)}${accountsSection(spec, true)}${sshdSection(spec)}
${publishSection('v3')}`;
}
