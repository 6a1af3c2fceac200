/**
 * ParallelCluster's `Iam.ResourcePrefix` (3.4.0+): how it is validated and which IAM paths and names ParallelCluster
 * builds from it. Written from ParallelCluster's source: `IamResourcePrefixValidator` (validators/iam_validators.py),
 * `split_resource_prefix` (utils.py), `add_cluster_iam_resource_prefix`, `add_lambda_cfn_role` and
 * `_cluster_scoped_iam_path` (templates/cdk_builder_utils.py), `IAM_ROLE_PATH` and the length limits (constants.py).
 * Its update policy is UNSUPPORTED: it cannot change once the cluster exists.
 */

/** `IAM_PATH_NAME_REGEX`, applied like Python's `re.match` (anchored at the start only). */
const IAM_PATH = /^((\/[a-zA-Z0-9_.,+@=-]+)+)\//;
/** `IAM_NAME_PREFIX_REGEX`. */
const IAM_NAME_PREFIX = /^[a-zA-Z0-9_.,+@=-]+$/;
export const IAM_NAME_PREFIX_MAX = 30;
export const IAM_PATH_MAX = 512;
/** Where ParallelCluster puts its roles and instance profiles when no prefix gives a path. */
export const DEFAULT_IAM_PATH = '/parallelcluster/';

export interface SplitResourcePrefix {
  /** Everything up to and including the last `/`, when there is one. */
  readonly path?: string;
  /** What follows the last `/` (or the whole prefix when it has none), when not empty. */
  readonly namePrefix?: string;
}

/** `split_resource_prefix`: "/a/b/" is a path, "x" a name prefix, "/a/x" both. */
export function splitResourcePrefix(prefix: string): SplitResourcePrefix {
  const at = prefix.lastIndexOf('/') + 1;
  return {
    ...(at > 0 ? { path: prefix.slice(0, at) } : {}),
    ...(at < prefix.length ? { namePrefix: prefix.slice(at) } : {}),
  };
}

/** Why ParallelCluster would refuse this ResourcePrefix; empty when it accepts it. */
export function resourcePrefixProblems(prefix: string): string[] {
  const out: string[] = [];
  if (!IAM_PATH.test(prefix) && !IAM_NAME_PREFIX.test(prefix)) {
    out.push(
      `"${prefix}" is neither an IAM path ("/name/.../", each part of letters, digits and _.,+@=-) nor a name prefix of those characters, optionally after such a path`,
    );
  }
  const { path, namePrefix } = splitResourcePrefix(prefix);
  if (namePrefix !== undefined && namePrefix.length > IAM_NAME_PREFIX_MAX) {
    out.push(`its name prefix "${namePrefix}" has ${namePrefix.length} characters; ParallelCluster allows at most ${IAM_NAME_PREFIX_MAX}`);
  }
  if (path !== undefined && path.length > IAM_PATH_MAX) {
    out.push(`its path has ${path.length} characters; IAM allows at most ${IAM_PATH_MAX}`);
  }
  return out;
}

/**
 * The IAM resources ParallelCluster creates for one cluster, as ARN resource parts (`role/…`, `instance-profile/…`,
 * with `*` where CloudFormation or a hash completes the name), for a policy that lets the `pcluster` CLI create,
 * pass and delete exactly these:
 * - the Lambda roles of the cluster stack (cleanup, Route 53, …): `<path or /parallelcluster/><name prefix>…`;
 *   without a path they are not under the cluster's name, which is why an operator policy needs a prefix;
 * - the head, compute and login node roles and instance profiles: `<path or /parallelcluster/><cluster>/<name prefix>…`.
 */
export interface ClusterIamResources {
  readonly lambdaRoles: string;
  readonly nodeRoles: string;
  readonly instanceProfiles: string;
}

export function clusterIamResources(clusterName: string, resourcePrefix?: string): ClusterIamResources {
  const { path, namePrefix } = resourcePrefix ? splitResourcePrefix(resourcePrefix) : {};
  const base = path ?? DEFAULT_IAM_PATH;
  const name = namePrefix ?? '';
  return {
    lambdaRoles: `role${base}${name}*`,
    nodeRoles: `role${base}${clusterName}/${name}*`,
    instanceProfiles: `instance-profile${base}${clusterName}/${name}*`,
  };
}
