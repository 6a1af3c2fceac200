import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClusterSpecError, parseClusterSpec, renderClusterConfig, SPEC_OSES, validateClusterConfig, type ClusterSpec,
} from '../src/index.js';

const HEX = { 8: fc.stringMatching(/^[0-9a-f]{8}$/), 17: fc.stringMatching(/^[0-9a-f]{17}$/) };
const hex = (n: 8 | 17) => HEX[n];
const token = fc.nat(999).map((n) => `\${Token[TOKEN.${n}]}`);
/** Mostly valid values with an occasional bad one, so both sides of the property are exercised. */
const mostly = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 30, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const idArb = (prefix: string, placeholder: string) =>
  mostly(
    fc.oneof(
      { weight: 6, arbitrary: hex(17).map((h) => `${prefix}-${h}`) },
      { weight: 2, arbitrary: hex(8).map((h) => `${prefix}-${h}`) },
      { weight: 2, arbitrary: token },
      { weight: 1, arbitrary: fc.constant(`<${placeholder}>`) },
    ),
    fc.constantFrom(`${prefix}-XYZ`, ''),
  );
const nameArb = mostly(fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/), fc.constantFrom('default', 'Compute', 'a_b', 'q'.repeat(26)));
const efsMountArb = mostly(fc.constantFrom('/efs', 'efs', '/shared/efs'), fc.constantFrom('/opt/slurm', '/NONE', '/a/.b', '/fsx'));
const fsxMountArb = mostly(fc.constantFrom('/fsx', '/fsx_cluster1', '/data/x', '/home'), fc.constantFrom('/efs/fsx', '/efs', '/usr'));

const REGIONS: [string, 'aws' | 'aws-cn' | 'aws-us-gov'][] = [
  ['cn-north-1', 'aws-cn'], ['cn-northwest-1', 'aws-cn'], ['us-east-1', 'aws'], ['us-gov-west-1', 'aws-us-gov'],
  ['eu-west-1', 'aws'], ['${Token[AWS.Region.3]}', 'aws-cn'],
];

const crArb = fc.record(
  {
    name: nameArb,
    instanceType: mostly(fc.constantFrom('c5.xlarge', 'c5n.18xlarge', 'hpc6a.48xlarge'), fc.constant('bad')),
    minCount: mostly(fc.nat(1), fc.constant(20)),
    maxCount: fc.integer({ min: 1, max: 12 }),
    disableSimultaneousMultithreading: fc.boolean(),
    efa: mostly(fc.constant(false), fc.constant(true)),
  },
  { requiredKeys: ['name', 'instanceType'] },
);

function specFor([region, partition]: [string, 'aws' | 'aws-cn' | 'aws-us-gov']): fc.Arbitrary<ClusterSpec> {
  const arnPartition = mostly(fc.constantFrom(partition, '${Token[AWS.Partition.1]}'), fc.constant(partition === 'aws' ? 'aws-cn' : 'aws'));
  const policyArb = arnPartition.map((p) => `arn:${p}:iam::aws:policy/AmazonSSMManagedInstanceCore`);
  return fc.record(
    {
      region: fc.constant(region),
      partition: mostly(fc.constant(partition), fc.constantFrom('aws', 'aws-cn', 'aws-us-gov') as fc.Arbitrary<typeof partition>),
      clusterName: mostly(fc.stringMatching(/^[a-z][a-z0-9-]{1,45}$/), fc.constantFrom('1bad', 'x', 'Upper')),
      os: mostly(fc.constantFrom('alinux2023', 'rhel9', 'ubuntu2204'), fc.constantFrom(...SPEC_OSES)),
      parallelclusterVersion: mostly(fc.constantFrom('3.16.3', '3.14.0'), fc.constantFrom('3.12.0', '3.6.0', '2.11.9')),
      headNode: fc.record(
        {
          instanceType: fc.constantFrom('m5.xlarge', 'c5.large'),
          subnetId: idArb('subnet', 'HeadSubnetId'),
          rootVolumeSizeGiB: mostly(fc.integer({ min: 35, max: 200 }), fc.constant(20)),
          keyName: fc.constantFrom('admin', 'my key'),
          additionalSecurityGroupIds: fc.array(idArb('sg', 'PortalSg'), { maxLength: 2 }),
          additionalIamPolicyArns: fc.array(policyArb, { maxLength: 2 }),
          s3AccessBuckets: fc.array(
            fc.record({ bucketName: mostly(fc.constantFrom('hpcha-assets', 'my.bucket'), fc.constant('B')), enableWriteAccess: fc.boolean() }, { requiredKeys: ['bucketName'] }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: ['subnetId'] },
      ),
      queues: fc.uniqueArray(
        fc.record({
          name: nameArb,
          capacityType: fc.constantFrom('ONDEMAND', 'SPOT') as fc.Arbitrary<'ONDEMAND' | 'SPOT'>,
          subnetIds: fc.oneof({ weight: 4, arbitrary: idArb('subnet', 'SubnetId').map((id) => [id]) }, { weight: 1, arbitrary: fc.array(idArb('subnet', 'SubnetId'), { minLength: 2, maxLength: 3 }) }),
          computeResources: mostly(
            fc.uniqueArray(crArb, { minLength: 1, maxLength: 4, selector: (cr) => cr.name }),
            fc.array(crArb, { minLength: 2, maxLength: 3 }).map((crs) => crs.map((cr) => ({ ...cr, name: 'dup' }))),
          ),
        }),
        { minLength: 1, maxLength: 4, selector: (q) => q.name },
      ),
      compute: fc.record(
        {
          additionalSecurityGroupIds: fc.array(idArb('sg', 'PortalSg'), { maxLength: 2 }),
          additionalIamPolicyArns: fc.array(policyArb, { maxLength: 2 }),
          rootVolumeSizeGiB: fc.integer({ min: 35, max: 100 }),
        },
        { requiredKeys: [] },
      ),
      sharedStorage: fc.record(
        {
          efs: fc.record({ fileSystemId: idArb('fs', 'EfsId'), mountDir: efsMountArb, encryptionInTransit: fc.boolean() }, { requiredKeys: ['fileSystemId'] }),
          fsxLustre: fc.record({ fileSystemId: idArb('fs', 'FsxId'), mountDir: fsxMountArb }, { requiredKeys: ['fileSystemId'] }),
        },
        { requiredKeys: ['efs'] },
      ),
      mungeKeySecretArn: mostly(
        fc.oneof(arnPartition.map((p) => `arn:${p}:secretsmanager:${region}:123456789012:secret:munge-AbCdEf`), token),
        fc.constant('munge'),
      ),
      customActions: fc.record(
        {
          headNode: fc.record({ scriptUri: mostly(fc.constantFrom('s3://b/h.sh', 'https://example.org/h.sh'), fc.constant('ftp://x')), args: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) }),
          computeNode: fc.record({ scriptUri: fc.constantFrom('s3://b/c.sh', '${Token[TOKEN.5]}'), args: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }) }),
        },
        { requiredKeys: [] },
      ),
      imdsSecured: fc.boolean(),
      scaledownIdletimeMinutes: mostly(fc.integer({ min: -1, max: 60 }), fc.constant(-2)),
      tags: fc.dictionary(mostly(fc.constantFrom('a', 'owner', 'hpc-ha:cluster', 'Name'), fc.constant('parallelcluster:x')), fc.string({ maxLength: 10 }), { maxKeys: 4 }),
      portalAdmin: fc.record({ uid: mostly(fc.constantFrom(5000, 6000), fc.constant(5001)), gid: fc.constantFrom(5000, 6000) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['region', 'clusterName', 'headNode', 'queues', 'sharedStorage', 'mungeKeySecretArn'] },
  ) as fc.Arbitrary<ClusterSpec>;
}

// Built once per region: building arbitraries (regex-based ones especially) is far costlier than sampling them.
const specArb = fc.oneof(...REGIONS.map(specFor));

describe('property: a spec that passes ClusterSpec validation renders a valid config', () => {
  it('holds for generated specs (with deploy-time values mixed in)', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(specArb, (spec) => {
        try {
          parseClusterSpec(spec);
        } catch (e) {
          if (!(e instanceof ClusterSpecError)) throw e;
          rejected++;
          return;
        }
        let rendered: { config: object; yaml: string };
        try {
          rendered = renderClusterConfig(spec);
        } catch (e) {
          // Only the documented refusal (a 2.x version) may stop a validated spec from rendering.
          if (e instanceof ClusterSpecError && spec.parallelclusterVersion?.startsWith('2.')) return;
          throw e;
        }
        accepted++;
        const opts = { clusterName: spec.clusterName, parallelclusterVersion: parseClusterSpec(spec).parallelclusterVersion };
        const fromObject = validateClusterConfig(rendered.config, opts);
        expect(fromObject.issues.filter((i) => i.severity === 'error')).toEqual([]);
        expect(validateClusterConfig(rendered.yaml, opts).valid).toBe(true);
      }),
      { numRuns: 400, seed: 20251117 },
    );
    // The property must not hold vacuously: both branches are exercised.
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
  });
});
