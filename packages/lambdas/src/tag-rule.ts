/**
 * The one rule for the tags of a deployment (`tags:` in hpc-ha.yaml), shared by the config loader's checks
 * (`@hpc-ha/infra/config`) and the certificate handler. The app puts these tags on every resource that takes
 * tags and on every stack, and hands them to ParallelCluster as cluster tags, so a tag must suit the strictest
 * of those services; each limit below says which service sets it. No imports: the loader (which must not load
 * aws-cdk-lib) and the Lambda bundle both take this file as it is.
 */

/** Limits of the rule; the numbers come from the services' documented tag restrictions. */
export const TAG_RULE = {
  /**
   * ParallelCluster refuses more than 40 tags on a cluster (it keeps 10 of a resource's 50 for its own). Stricter
   * than 49 (50, less the `hpc-ha:deployment` tag the app adds, or the request tag the certificate handler adds).
   */
  maxTags: 40,
  /** ACM's user guide: at most 127 characters per key and 255 per value (its API reference says 128 and 256). */
  maxKeyLength: 127,
  maxValueLength: 255,
  /**
   * Letters, digits and white space of any script, and `_ . : / = + - @`: the pattern of ACM, EFS, FSx, RDS,
   * Elastic Load Balancing, IAM, S3 and CloudWatch Logs. Anything else (`&`, `(`, `,`, `#`, `'`, ...) is refused by
   * at least one of them, deep into a deployment.
   */
  allowed: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
} as const;

/**
 * Key prefixes a user tag may not start with, in any letter case, and who reserves each. `aws:` and `rds:` are also
 * refused at the start of a value (RDS refuses both there, and AWS reserves `aws:` everywhere).
 */
export const RESERVED_TAG_PREFIXES: Readonly<Record<string, string>> = {
  'aws:': 'reserved for AWS',
  'rds:': 'reserved by RDS, which tags the Aurora cluster',
  'hpc-ha:': 'used by hpc-ha for its own tags',
  'parallelcluster:': 'reserved by ParallelCluster for the cluster tags it sets',
};
const RESERVED_VALUE_PREFIXES = ['aws:', 'rds:'] as const;

export interface TagProblem {
  /** The offending tag's key and its position in the list, or undefined for a problem of the whole set (too many tags). */
  readonly key: string | undefined;
  readonly index: number | undefined;
  /** Whether the key or the value of the tag is wrong. */
  readonly part: 'key' | 'value' | 'set';
  readonly message: string;
}

const ALLOWED_TEXT = 'letters, digits, spaces and _ . : / = + - @';

/** Characters counted as AWS counts them: Unicode code points, not UTF-16 units. */
function length(text: string): number {
  return [...text].length;
}

function firstRefused(text: string): string | undefined {
  return [...text].find((ch) => !TAG_RULE.allowed.test(ch));
}

function reservedPrefix(text: string, prefixes: readonly string[]): string | undefined {
  const lower = text.toLowerCase();
  return prefixes.find((prefix) => lower.startsWith(prefix));
}

function keyProblems(key: string): string[] {
  const problems: string[] = [];
  const n = length(key);
  if (n === 0) problems.push('a tag key must not be empty');
  if (n > TAG_RULE.maxKeyLength) problems.push(`tag key is ${n} characters; at most ${TAG_RULE.maxKeyLength} are allowed (ACM)`);
  const refused = firstRefused(key);
  if (refused !== undefined) {
    problems.push(`tag key ${JSON.stringify(key)} contains ${JSON.stringify(refused)}; tag keys and values may hold only ${ALLOWED_TEXT} (ACM, EFS, FSx and the load balancer refuse the rest)`);
  }
  const prefix = reservedPrefix(key, Object.keys(RESERVED_TAG_PREFIXES));
  if (prefix !== undefined) problems.push(`tag key ${JSON.stringify(key)} uses the reserved "${prefix}" prefix (${RESERVED_TAG_PREFIXES[prefix]})`);
  return problems;
}

function valueProblems(key: string, value: string): string[] {
  const problems: string[] = [];
  const n = length(value);
  // CloudFormation stack tags need a value; the app tags every stack.
  if (n === 0) problems.push(`tag ${JSON.stringify(key)} has an empty value; CloudFormation stack tags need 1 to ${TAG_RULE.maxValueLength} characters`);
  if (n > TAG_RULE.maxValueLength) problems.push(`tag value is ${n} characters; at most ${TAG_RULE.maxValueLength} are allowed (ACM)`);
  const refused = firstRefused(value);
  if (refused !== undefined) {
    problems.push(`tag value ${JSON.stringify(value)} contains ${JSON.stringify(refused)}; tag keys and values may hold only ${ALLOWED_TEXT} (ACM, EFS, FSx and the load balancer refuse the rest)`);
  }
  const prefix = reservedPrefix(value, RESERVED_VALUE_PREFIXES);
  if (prefix !== undefined) problems.push(`tag value ${JSON.stringify(value)} starts with "${prefix}", which RDS refuses in a value`);
  return problems;
}

/**
 * Every problem of a set of tags, in order: each tag's key and value, keys that differ only in letter case (IAM
 * treats the tag keys of roles as case-insensitive, so `Team` and `team` collide), and the number of tags.
 */
export function tagProblems(tags: readonly { readonly key: string; readonly value: string }[]): TagProblem[] {
  const problems: TagProblem[] = [];
  const seen = new Map<string, string>();
  for (const [index, { key, value }] of tags.entries()) {
    for (const message of keyProblems(key)) problems.push({ key, index, part: 'key', message });
    for (const message of valueProblems(key, value)) problems.push({ key, index, part: 'value', message });
    const folded = key.toLowerCase();
    const earlier = seen.get(folded);
    if (earlier === key) problems.push({ key, index, part: 'key', message: `tag key ${JSON.stringify(key)} is listed twice` });
    else if (earlier !== undefined) {
      problems.push({ key, index, part: 'key', message: `tag keys ${JSON.stringify(earlier)} and ${JSON.stringify(key)} differ only in letter case; IAM counts them as one key` });
    }
    if (earlier === undefined) seen.set(folded, key);
  }
  if (tags.length > TAG_RULE.maxTags) {
    problems.push({ key: undefined, index: undefined, part: 'set', message: `${tags.length} tags; at most ${TAG_RULE.maxTags} are allowed (ParallelCluster keeps 10 of a resource's 50 for its own tags)` });
  }
  return problems;
}
