/**
 * Iam.ResourcePrefix, checked against ParallelCluster's own rules (IamResourcePrefixValidator, split_resource_prefix,
 * add_cluster_iam_resource_prefix and _cluster_scoped_iam_path in its source) and rendered into the v3 config.
 */
import { describe, expect, it } from 'vitest';
import {
  clusterIamResources, planClusterUpdate, renderClusterConfig, renderLegacyIni, resourcePrefixProblems, splitResourcePrefix,
  validateClusterConfig,
} from '../src/index.js';
import { MINIMAL } from './fixtures/example-specs.js';

describe('splitResourcePrefix (split_resource_prefix)', () => {
  it.each([
    ['/hpc-ha/cn-north-1/c1/', { path: '/hpc-ha/cn-north-1/c1/' }],
    ['hpcha-', { namePrefix: 'hpcha-' }],
    ['/a/b/hpcha-', { path: '/a/b/', namePrefix: 'hpcha-' }],
    ['/x', { path: '/', namePrefix: 'x' }],
  ])('%s', (prefix, want) => expect(splitResourcePrefix(prefix)).toEqual(want));
});

describe('resourcePrefixProblems (IamResourcePrefixValidator)', () => {
  it.each(['/hpc-ha/cn-north-1/hpcha-cluster1/', 'hpcha-', '/p/name_.,+@=-', 'a'.repeat(30), `/${'p'.repeat(510)}/`])('accepts %s', (p) =>
    expect(resourcePrefixProblems(p)).toEqual([]),
  );
  it.each([
    ['a/b', /neither an IAM path/],
    ['//x/', /neither an IAM path/],
    ['has space', /neither an IAM path/],
    ['a'.repeat(31), /name prefix .* 31 characters; ParallelCluster allows at most 30/],
    [`/p/${'n'.repeat(31)}`, /31 characters/],
    [`/${'p'.repeat(511)}/`, /path has 513 characters; IAM allows at most 512/],
  ])('refuses %s', (p, why) => expect(resourcePrefixProblems(p).join('\n')).toMatch(why));
});

describe('clusterIamResources: the ARNs ParallelCluster builds from the prefix', () => {
  it('without a prefix the Lambda roles sit under /parallelcluster/, outside the cluster-named path', () => {
    expect(clusterIamResources('hpcha-cluster1')).toEqual({
      lambdaRoles: 'role/parallelcluster/*',
      nodeRoles: 'role/parallelcluster/hpcha-cluster1/*',
      instanceProfiles: 'instance-profile/parallelcluster/hpcha-cluster1/*',
    });
  });
  it('a path prefix puts the Lambda roles under the path and the node roles under <path><cluster>/', () => {
    expect(clusterIamResources('hpcha-cluster1', '/hpc-ha/cn-north-1/hpcha-cluster1/')).toEqual({
      lambdaRoles: 'role/hpc-ha/cn-north-1/hpcha-cluster1/*',
      nodeRoles: 'role/hpc-ha/cn-north-1/hpcha-cluster1/hpcha-cluster1/*',
      instanceProfiles: 'instance-profile/hpc-ha/cn-north-1/hpcha-cluster1/hpcha-cluster1/*',
    });
  });
  it('a name prefix starts every role and instance profile name', () => {
    expect(clusterIamResources('c1', '/p/hpcha-')).toEqual({
      lambdaRoles: 'role/p/hpcha-*',
      nodeRoles: 'role/p/c1/hpcha-*',
      instanceProfiles: 'instance-profile/p/c1/hpcha-*',
    });
    expect(clusterIamResources('c1', 'hpcha-').lambdaRoles).toBe('role/parallelcluster/hpcha-*');
  });
});

describe('Iam.ResourcePrefix in configs', () => {
  const prefix = '/hpc-ha/cn-north-1/hpcha-cluster1/';
  it('is rendered from the spec and passes the validator', () => {
    const { config, yaml } = renderClusterConfig({ ...MINIMAL, iamResourcePrefix: prefix });
    expect((config as { Iam?: unknown }).Iam).toEqual({ ResourcePrefix: prefix });
    expect(validateClusterConfig(yaml).valid).toBe(true);
  });
  it('a spec with a prefix ParallelCluster refuses is refused, naming the field', () => {
    expect(() => renderClusterConfig({ ...MINIMAL, iamResourcePrefix: 'a/b' })).toThrow(/iamResourcePrefix: "a\/b" is neither/);
  });
  it('the validator refuses a bad prefix in a config a user brings, and accepts a 40-character path (not a name limit)', () => {
    const { config } = renderClusterConfig(MINIMAL);
    const bad = validateClusterConfig({ ...config, Iam: { ResourcePrefix: 'x'.repeat(31) } });
    expect(bad.valid).toBe(false);
    expect(bad.issues.map((i) => i.path)).toContain('Iam.ResourcePrefix');
    expect(validateClusterConfig({ ...config, Iam: { ResourcePrefix: `/${'p'.repeat(38)}/` } }).valid).toBe(true);
  });
  it('cannot change once the cluster exists (update policy UNSUPPORTED)', () => {
    const before = renderClusterConfig({ ...MINIMAL, iamResourcePrefix: prefix }).config;
    const after = renderClusterConfig({ ...MINIMAL, iamResourcePrefix: '/hpc-ha/other/' }).config;
    const plan = planClusterUpdate(before, after);
    const change = plan.blocked.find((c) => c.path === 'Iam.ResourcePrefix');
    expect(change).toMatchObject({ policy: 'UNSUPPORTED', outcome: 'refused' });
  });
  it('2.x has no ResourcePrefix', () => {
    expect(() => renderLegacyIni({ ...MINIMAL, parallelclusterVersion: '2.11.9', os: 'alinux2', vpcId: 'vpc-0a1b2c3d4e5f60099', iamResourcePrefix: prefix })).toThrow(
      /iamResourcePrefix: ParallelCluster 2.x has no such setting/,
    );
  });
});
