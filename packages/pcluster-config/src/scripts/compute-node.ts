import type { ClusterSpec } from '../spec/cluster-spec.js';
import { parseClusterSpec } from '../spec/parse-spec.js';
import { accountsSection, assertStatic, header } from './common.js';
import { desktopSection } from './desktop.js';

/**
 * The compute-node OnNodeConfigured script: creates the portal accounts (home directories live on the head node's
 * shared /home, so none are created here). Idempotent; takes no arguments.
 */
export function renderComputeNodeScript(input: ClusterSpec): string {
  const spec = parseClusterSpec(input);
  assertStatic(spec);
  return `${header(spec, 'compute-node', 'Creates the EnginFrame portal accounts with the UIDs/GIDs the portal uses.')}${accountsSection(spec, false)}${desktopSection(spec)}
log "compute node ready for cluster $CLUSTER_NAME"
`;
}
