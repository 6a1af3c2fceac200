import { DEFAULT_PCLUSTER_VERSION } from '../schema/image.js';
import { formatPath, type ConfigIssue } from '../issues.js';
import { validate as validateGenerated } from '../generated/validate-cluster-config.js';
import type { SchemaValidator } from './ajv.js';
import { collect, obj, type Rule } from './context.js';
import { computeRules } from './compute.js';
import { ebsRules } from './ebs.js';
import { efaRules } from './efa.js';
import { efsFsxOptionRules } from './efs-fsx-options.js';
import { nodePriorityRules } from './node-priorities.js';
import { versionGateRules } from './version-gates.js';
import { countRules } from './counts.js';
import { directoryServiceRules } from './directory-service.js';
import { iamRules } from './iam.js';
import { nameRules } from './names.js';
import { nodeRules } from './nodes.js';
import { schemaIssue, type RawIssue } from './schema-issues.js';
import { slurmRules } from './slurm.js';
import { storageRules } from './storage.js';
import { tagAndPartitionRules } from './tags-partition.js';
import { locate, parseYaml } from './yaml-input.js';

export interface ValidateOptions {
  /** Checked against ParallelCluster's cluster-name rules (pattern, length, ≤ 40 with Slurm accounting). */
  clusterName?: string;
  /** The 3.x release to check version-dependent rules (which OSes and keys exist) against; default 3.16.3. */
  parallelclusterVersion?: string;
  /** Subnet id → Availability Zone where known: turns the EFA multi-AZ warning into ParallelCluster's error. */
  subnetAvailabilityZones?: Readonly<Record<string, string>>;
}

export interface ValidationResult {
  valid: boolean;
  issues: ConfigIssue[];
}

const RULES: readonly Rule[] = [
  ...nameRules, ...countRules, ...storageRules, ...slurmRules, ...computeRules, ...nodeRules, ...tagAndPartitionRules,
  ...directoryServiceRules, ...iamRules,
  ...versionGateRules, ...efaRules, ...ebsRules, ...efsFsxOptionRules, ...nodePriorityRules,
];

/** ajv's standalone validator for ClusterConfigSchema, generated at build time (scripts/codegen.ts): nothing compiles at run time. */
const schemaValidator = validateGenerated as SchemaValidator;

/**
 * Validate a ParallelCluster 3.16 cluster configuration (YAML text or the parsed object) against the public schema
 * and the offline cross-field rules of ParallelCluster, plus overlap of mount directories that ParallelCluster misses.
 * Deploy-time values (CDK tokens, `<Placeholder>`s) are accepted wherever an id or ARN is expected.
 */
export function validateClusterConfig(input: string | object, opts: ValidateOptions = {}): ValidationResult {
  let data: unknown = input;
  let position: ((i: RawIssue) => { line: number; column: number } | undefined) | undefined;
  if (typeof input === 'string') {
    const parsed = parseYaml(input);
    if (parsed.issues.length) return { valid: false, issues: parsed.issues };
    data = parsed.data;
    const { doc, lines } = parsed;
    if (doc && lines) position = (i) => locate(doc, lines, i.segments, i.atKey ?? false);
  }
  const raw: RawIssue[] = [];
  if (!schemaValidator(data)) {
    for (const err of schemaValidator.errors ?? []) raw.push(schemaIssue(err, data));
  }
  const config = obj(data);
  if (config) {
    const version = opts.parallelclusterVersion ?? DEFAULT_PCLUSTER_VERSION;
    raw.push(...collect(config, { clusterName: opts.clusterName, version, subnetAvailabilityZones: opts.subnetAvailabilityZones }, RULES));
  }

  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const r of raw) {
    const path = formatPath(r.segments);
    const key = `${path}\u0000${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const pos = r.segments[0] === 'ClusterName' && opts.clusterName !== undefined ? undefined : position?.(r);
    issues.push({ path, message: r.message, ...(pos ? { line: pos.line, column: pos.column } : {}), severity: r.severity });
  }
  return { valid: !issues.some((i) => i.severity === 'error'), issues };
}
