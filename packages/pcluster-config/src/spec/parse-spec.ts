import { formatPath } from '../issues.js';
import type { SchemaValidator } from '../validate/ajv.js';
import { validate as validateGenerated } from '../generated/validate-cluster-spec.js';
import { schemaIssue } from '../validate/schema-issues.js';
import { partitionOf } from '../validate/tags-partition.js';
import { isDeployTimeValue } from '../deploy-time.js';
import type { ClusterSpec, Partition, ResolvedClusterSpec } from './cluster-spec.js';
import { ClusterSpecError } from './errors.js';
import { specProblems } from './semantic.js';

/** ajv's standalone validator for ClusterSpecSchema with defaults, generated at build time (scripts/codegen.ts). */
const validate = validateGenerated as SchemaValidator;

/**
 * Validate a ClusterSpec and fill its defaults. The caller's object is not modified. Throws one ClusterSpecError
 * listing every problem with its path.
 */
export function parseClusterSpec(input: ClusterSpec | unknown): ResolvedClusterSpec {
  const data = structuredClone(input) as Record<string, unknown>;
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((e) => {
      const i = schemaIssue(e, data, 'ClusterSpec has no such field');
      return { path: formatPath(i.segments), message: i.message };
    });
    throw new ClusterSpecError('invalid ClusterSpec', problems);
  }
  const region = data.region as string;
  if (data.partition === undefined && isDeployTimeValue(region)) {
    throw new ClusterSpecError('invalid ClusterSpec', [
      { path: 'partition', message: 'region is a deploy-time value, so partition (aws, aws-cn or aws-us-gov) must be given' },
    ]);
  }
  const spec = { ...data, partition: (data.partition as Partition | undefined) ?? partitionOf(region) } as ResolvedClusterSpec;
  const problems = specProblems(spec);
  if (problems.length) throw new ClusterSpecError('invalid ClusterSpec', problems);
  return spec;
}
