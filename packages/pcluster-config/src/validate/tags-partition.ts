import { isDeployTimeValue } from '../deploy-time.js';
import type { PathSegment } from '../issues.js';
import { arr, computeResources, obj, slurmQueues, str, type Rule } from './context.js';

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

const RESERVED_TAG_PREFIX = 'parallelcluster:';

const tags: Rule = (ctx) => {
  const lists: PathSegment[][] = [['Tags']];
  for (const q of slurmQueues(ctx.config)) {
    lists.push([...q.path, 'Tags']);
    for (const cr of computeResources(q)) lists.push([...cr.path, 'Tags']);
  }
  for (const path of lists) {
    const seen = new Set<string>();
    arr(resolve(ctx.config, path)).forEach((t, i) => {
      const key = str(obj(t)?.Key);
      if (key === undefined) return;
      if (key.startsWith(RESERVED_TAG_PREFIX)) ctx.report([...path, i, 'Key'], `tag keys starting with "${RESERVED_TAG_PREFIX}" are reserved for ParallelCluster`);
      if (seen.has(key)) ctx.report([...path, i, 'Key'], `tag key "${key}" is listed twice`);
      seen.add(key);
    });
  }
};

function resolve(root: unknown, path: PathSegment[]): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof seg === 'number') node = Array.isArray(node) ? node[seg] : undefined;
    else node = obj(node)?.[seg];
  }
  return node;
}

/** ARNs in a `cn-` region must use the aws-cn partition; the official v2→v3 converter keeps the global one and deploys fail late. */
const partition: Rule = (ctx) => {
  const region = str(ctx.config.Region);
  if (region === undefined || isDeployTimeValue(region)) return;
  const expected = partitionOf(region);
  const visit = (node: unknown, path: PathSegment[]): void => {
    if (typeof node === 'string') {
      const m = /^arn:([^:]*):/.exec(node);
      if (m && !isDeployTimeValue(m[1]!) && m[1] !== expected) {
        ctx.report(path, `ARN is in partition "${m[1]}" but Region ${region} is in partition "${expected}"; write arn:${expected}:...`);
      }
    } else if (Array.isArray(node)) {
      node.forEach((v, i) => visit(v, [...path, i]));
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, [...path, k]);
    }
  };
  visit(ctx.config, []);
};

export const tagAndPartitionRules: readonly Rule[] = [tags, partition];
