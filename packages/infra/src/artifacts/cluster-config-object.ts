import { createHash } from 'node:crypto';
import type { DeploymentConfig } from '../config/index.js';
import { clusterArtifacts } from './clusters.js';
import { placeholderValues, type ClusterValues } from './values.js';

/**
 * `provisioner: instance`: each cluster's ParallelCluster config travels as an S3 object instead of in the portal
 * node's user data, so user data stays the same size for 1 queue or ParallelCluster's 50. The object must be known
 * at synth time (assets are uploaded verbatim), so it is the config rendered with the readable placeholders of
 * `hpc-ha render` (`<PrivateSubnetId1>`, `<EfsFileSystemId>`, ...); the node checks its SHA-256, then replaces each
 * placeholder with the deploy-time value its user data carries (a fixed, small set).
 */
export interface ClusterConfigObject {
  /** The config text with placeholders: the S3 object's content. */
  readonly template: string;
  readonly fileName: string;
  readonly sha256: string;
}

export function clusterConfigObjects(config: DeploymentConfig): [ClusterConfigObject, ClusterConfigObject] {
  const [c1, c2] = clusterArtifacts(config, placeholderValues(config));
  const object = (c: typeof c1): ClusterConfigObject => ({
    template: c.configText,
    fileName: c.configFileName,
    sha256: createHash('sha256').update(c.configText).digest('hex'),
  });
  return [object(c1), object(c2)];
}

/** Placeholder → value pairs of the same field in two value sets of the same shape (strings, pairs, nested objects). */
function pairs(placeholders: unknown, values: unknown, out: Map<string, string>): void {
  if (typeof placeholders === 'string') {
    // Identical pairs stay (hpc-ha render shows `<X>` for `<X>`), so render and deploy carry the same list.
    if (typeof values === 'string') out.set(placeholders, values);
    return;
  }
  if (placeholders === null || typeof placeholders !== 'object' || values === null || typeof values !== 'object') return;
  for (const [k, p] of Object.entries(placeholders)) pairs(p, (values as Record<string, unknown>)[k], out);
}

/** Replaces every placeholder as the node does (bash `${text//"$placeholder"/"$value"}`, in the same order). */
export function fillPlaceholders(template: string, placeholders: Readonly<Record<string, string>>): string {
  let text = template;
  for (const [placeholder, value] of Object.entries(placeholders)) text = text.split(placeholder).join(value);
  return text;
}

/**
 * The placeholders of one cluster's config object and their deploy-time values, checked: filling them in must give
 * exactly the config rendered with the real values, or the node would create a different cluster than synth showed.
 */
export function clusterConfigPlaceholders(
  config: DeploymentConfig,
  values: ClusterValues,
  index: 0 | 1,
  object: ClusterConfigObject,
  realConfigText: string,
): Record<string, string> {
  const all = new Map<string, string>();
  pairs(placeholderValues(config), values, all);
  const used = Object.fromEntries([...all].filter(([placeholder]) => object.template.includes(placeholder)).sort(([a], [b]) => a.localeCompare(b)));
  if (fillPlaceholders(object.template, used) !== realConfigText) {
    throw new Error(`internal error: the config object of cluster ${index + 1} with its placeholders filled differs from the rendered config`);
  }
  return used;
}
