import type { ConfigCheck } from '../config/index.js';
import { clusterArtifacts } from './clusters.js';
import { realisticValues } from './user-data-budget.js';

/** CloudFormation's limit on a template body passed through S3, as the CDK deploys (see rules/cloudformation/template-size.ts). */
export const TEMPLATE_LIMIT_BYTES = 1024 * 1024;
/**
 * The Clusters stack (`provisioner: cloudformation`) is the only template that grows with the config: it holds both
 * ClusterConfigurations. Measured on the cn-north-1 example: about 3 KB of its own plus 1.1 bytes per byte of config
 * JSON at 1 queue, 15 KB plus 1.0 at 50 queues (deploy-time references are longer in the template than in the
 * config); the estimate takes 32 KB plus 1.25 per byte, above both, so a config it passes synthesizes within the limit.
 */
const CLUSTERS_STACK_BASE_BYTES = 32 * 1024;
const CLUSTERS_STACK_FACTOR = 1.25;

export function clustersTemplateBytes(config: Parameters<ConfigCheck>[0]): number {
  if (config.clusters.provisioner !== 'cloudformation') return 0;
  const configs = clusterArtifacts(config, realisticValues(config)).map((c) => JSON.stringify(c.config ?? {}).length);
  return Math.ceil(CLUSTERS_STACK_BASE_BYTES + CLUSTERS_STACK_FACTOR * configs.reduce((a, b) => a + b, 0));
}

/** A config check for the loader: the Clusters stack's template stays within CloudFormation's 1 MB. */
export const clustersTemplateFits: ConfigCheck = (config) => {
  const bytes = clustersTemplateBytes(config);
  if (bytes <= TEMPLATE_LIMIT_BYTES) return [];
  return [
    {
      path: ['clusters', 'queues'],
      message: `the Clusters stack's template would be about ${bytes} bytes, over CloudFormation's ${TEMPLATE_LIMIT_BYTES}-byte limit for a template in S3; use fewer queues or compute resources`,
    },
  ];
};
