import { describe, expect, it } from 'vitest';
import {
  CLUSTER_SPEC_DEFAULTS, ClusterSpecError, isDeployTimeValue, parseClusterSpec, renderClusterConfig, renderLegacyIni,
  validateClusterConfig, type ClusterSpec,
} from '../src/index.js';
import { EXAMPLES, legacyVariant, MINIMAL } from './fixtures/example-specs.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClusterSpecError);
    return (e as ClusterSpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ClusterSpecError');
}

describe('isDeployTimeValue', () => {
  it.each([
    ['${Token[TOKEN.123]}', true],
    ['arn:${Token[AWS.Partition.8]}:iam::aws:policy/X', true],
    ['#{Token[TOKEN.5]}', true],
    ['<EfsFileSystemId>', true],
    ['<not a placeholder>', false],
    ['fs-0123456789abcdef0', false],
    ['', false],
  ])('%s → %s', (value, expected) => expect(isDeployTimeValue(value)).toBe(expected));
});

describe('ClusterSpec defaults', () => {
  it('fills every documented default without touching the caller object', () => {
    const input = structuredClone(MINIMAL);
    const spec = parseClusterSpec(input);
    expect(input).toEqual(MINIMAL);
    expect(spec).toMatchObject({
      partition: 'aws-cn',
      os: CLUSTER_SPEC_DEFAULTS.os,
      parallelclusterVersion: CLUSTER_SPEC_DEFAULTS.parallelclusterVersion,
      imdsSecured: true,
      scaledownIdletimeMinutes: 10,
      publishRoot: 'hpc-ha',
      tags: {},
      portalAdmin: { userName: 'efadmin', uid: 5000, groupName: 'efadmin', gid: 5000 },
      portalServiceUser: { userName: 'efnobody', uid: 5001, groupName: 'efnobody', gid: 5001 },
      headNode: { instanceType: 'm5.xlarge', rootVolumeSizeGiB: 50, additionalSecurityGroupIds: [], additionalIamPolicyArns: [], s3AccessBuckets: [] },
      compute: { additionalSecurityGroupIds: [], additionalIamPolicyArns: [] },
      sharedStorage: { efs: { mountDir: '/efs' } },
      customActions: {},
    });
    expect(spec.queues[0]).toMatchObject({ capacityType: 'ONDEMAND', computeResources: [{ minCount: 0, maxCount: 10 }] });
  });
});

describe('ClusterSpec validation', () => {
  it('lists every problem with its path in one error', () => {
    const bad = {
      ...MINIMAL,
      clusterName: '1-bad',
      headNode: { subnetId: 'subnet-nope', instanceTyp: 'x' },
      queues: [{ name: 'Compute', subnetIds: [], computeResources: [{ name: 'c', instanceType: 'c5.large', minCount: -1 }] }],
    } as unknown as ClusterSpec;
    expect(problems(() => parseClusterSpec(bad))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^clusterName: "1-bad" is not a cluster name/),
        expect.stringMatching(/^headNode.subnetId: "subnet-nope" is not a subnet id/),
        expect.stringMatching(/^headNode.instanceTyp: unknown key "instanceTyp"; ClusterSpec has no such field. Did you mean "instanceType"\?/),
        expect.stringMatching(/^queues\[0\].name: "Compute" is not a queue name/),
        expect.stringMatching(/^queues\[0\].subnetIds: must list at least 1 item/),
        expect.stringMatching(/^queues\[0\].computeResources\[0\].minCount: must be at least 0/),
      ]),
    );
  });

  it('reports cross-field problems after the schema passes', () => {
    const bad: ClusterSpec = {
      ...MINIMAL,
      partition: 'aws',
      headNode: { subnetId: 'subnet-0123456789abcdef0', additionalIamPolicyArns: ['arn:aws:iam::aws:policy/X'] },
      queues: [
        { name: 'q', subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], computeResources: [{ name: 'c', instanceType: 'c5n.18xlarge', efa: true, minCount: 5, maxCount: 2 }] },
        { name: 'q', subnetIds: ['subnet-0123456789abcdef0'], computeResources: [{ name: 'c', instanceType: 'c5.large' }] },
      ],
      sharedStorage: { efs: { fileSystemId: 'fs-0123456789abcdef0', mountDir: '/data' }, fsxLustre: { fileSystemId: 'fs-0123456789abcdef1', mountDir: '/data/fsx' } },
      tags: { 'parallelcluster:owner': 'me' },
    };
    expect(problems(() => parseClusterSpec(bad))).toEqual([
      'partition: region cn-north-1 is in partition "aws-cn", not "aws"',
      'headNode.additionalIamPolicyArns[0]: ARN is in partition "aws" but this cluster is in "aws-cn"; write arn:aws-cn:...',
      'queues[0].computeResources[0].minCount: minCount (5) exceeds maxCount (2)',
      'queues[0].computeResources[0].efa: EFA needs a placement group, which lives in one Availability Zone; give this queue a single subnet',
      'queues[1].name: queue name "q" is used twice',
      'sharedStorage.fsxLustre.mountDir: "/data/fsx" overlaps the EFS mount directory "/data"; one file system would hide the other',
      'tags.parallelcluster:owner: tag keys starting with "parallelcluster:" are reserved',
    ]);
  });

  it('rejects ARNs of the wrong partition', () => {
    const spec = { ...MINIMAL, mungeKeySecretArn: 'arn:aws:secretsmanager:cn-north-1:123456789012:secret:m-AbCdEf' };
    expect(problems(() => parseClusterSpec(spec))).toEqual([
      'mungeKeySecretArn: ARN is in partition "aws" but this cluster is in "aws-cn"; write arn:aws-cn:...',
    ]);
  });

  it('needs an explicit partition when the region is a token', () => {
    expect(problems(() => parseClusterSpec({ ...MINIMAL, region: '${Token[AWS.Region.1]}' }))).toEqual([
      'partition: region is a deploy-time value, so partition (aws, aws-cn or aws-us-gov) must be given',
    ]);
  });

  it('rejects an OS the chosen ParallelCluster release does not have', () => {
    expect(problems(() => parseClusterSpec({ ...MINIMAL, os: 'ubuntu2004' }))).toEqual([
      'os: ubuntu2004 was removed in ParallelCluster 3.14.0; 3.16.3 does not support it',
    ]);
  });
});

describe('renderClusterConfig', () => {
  it('passes CDK tokens through untouched and the result still validates', () => {
    const spec: ClusterSpec = {
      ...MINIMAL,
      region: '${Token[AWS.Region.4]}',
      partition: 'aws-cn',
      headNode: { subnetId: '${Token[TOKEN.11]}', additionalSecurityGroupIds: ['${Token[TOKEN.12]}'], additionalIamPolicyArns: ['arn:${Token[AWS.Partition.8]}:iam::aws:policy/X'] },
      queues: [{ name: 'compute', subnetIds: ['${Token[TOKEN.13]}'], computeResources: [{ name: 'c5', instanceType: 'c5.xlarge' }] }],
      sharedStorage: { efs: { fileSystemId: '${Token[TOKEN.14]}' }, fsxLustre: { fileSystemId: '<FsxId>', mountDir: '/fsx_cluster1' } },
      mungeKeySecretArn: '${Token[TOKEN.15]}',
      customActions: { headNode: { scriptUri: '${Token[TOKEN.16]}', args: [] } },
    };
    const { config, yaml } = renderClusterConfig(spec);
    const c = config as any;
    expect(c.Region).toBe('${Token[AWS.Region.4]}');
    expect(c.HeadNode.Networking).toEqual({ SubnetId: '${Token[TOKEN.11]}', AdditionalSecurityGroups: ['${Token[TOKEN.12]}'] });
    expect(c.Scheduling.SlurmSettings.MungeKeySecretArn).toBe('${Token[TOKEN.15]}');
    expect(c.SharedStorage[1].FsxLustreSettings.FileSystemId).toBe('<FsxId>');
    expect(c.HeadNode.CustomActions.OnNodeConfigured.Script).toBe('${Token[TOKEN.16]}');
    expect(yaml).toContain('${Token[TOKEN.11]}');
    expect(validateClusterConfig(config, { clusterName: spec.clusterName }).valid).toBe(true);
  });

  it('is deterministic and leaves out what the spec does not set', () => {
    const a = renderClusterConfig(MINIMAL).yaml;
    expect(renderClusterConfig(structuredClone(MINIMAL)).yaml).toBe(a);
    expect(a).not.toMatch(/Ssh|Iam|Tags|AdditionalSecurityGroups|FsxLustre|CustomActions/);
  });

  it('sorts tags by key', () => {
    const { config } = renderClusterConfig({ ...MINIMAL, tags: { zeta: '1', alpha: '2' } });
    expect((config as any).Tags).toEqual([{ Key: 'alpha', Value: '2' }, { Key: 'zeta', Value: '1' }]);
  });

  it('refuses a 2.x version and points at renderLegacyIni', () => {
    expect(problems(() => renderClusterConfig({ ...MINIMAL, parallelclusterVersion: '2.11.9', os: 'alinux2' }))).toEqual([
      'parallelclusterVersion: 2.11.9 is a 2.x release; use renderLegacyIni, or set a 3.x version',
    ]);
  });
});

describe('renderLegacyIni rejects what 2.x cannot express', () => {
  const legacy = legacyVariant(EXAMPLES[0]!.specs[0]);

  it('needs a 2.x version', () => {
    expect(problems(() => renderLegacyIni(MINIMAL))).toEqual([
      'parallelclusterVersion: 3.16.3 is not a 2.10.x or 2.11.x release; renderLegacyIni only writes 2.x configs (use renderClusterConfig for 3.x)',
    ]);
  });

  it('lists every reason at once', () => {
    const spec: ClusterSpec = {
      ...legacy,
      parallelclusterVersion: '2.10.4',
      os: 'ubuntu2004',
      vpcId: undefined,
      headNode: { ...legacy.headNode, keyName: undefined, additionalSecurityGroupIds: ['sg-0123456789abcdef0', 'sg-0123456789abcdef1'] },
      queues: [
        ...legacy.queues,
        { name: 'other', subnetIds: ['subnet-0123456789abcdef9'], computeResources: [{ name: 'a', instanceType: 'c5.large', efa: true }, { name: 'b', instanceType: 'c5.large' }] },
      ],
      customActions: { headNode: { scriptUri: 's3://b/post.sh', args: ['two words'] }, computeNode: { scriptUri: 's3://b/other.sh', args: [] } },
    };
    expect(problems(() => renderLegacyIni(spec))).toEqual([
      'os: ubuntu2004 is not a base_os of ParallelCluster 2.10; use alinux2',
      'headNode.keyName: ParallelCluster 2.10 requires key_name',
      'vpcId: 2.x needs the VPC id ([vpc] vpc_id)',
      'queues: 2.x has one compute subnet for all queues; the queues use 2 (subnet-0a1b2c3d4e5f60001, subnet-0123456789abcdef9)',
      'headNode.additionalSecurityGroupIds: 2.x has one additional_sg for head and compute nodes; got sg-0123456789abcdef0, sg-0123456789abcdef1, sg-0a1b2c3d4e5f60010',
      'customActions: 2.x runs one post_install script (with the same args) on head and compute nodes; give both the same scriptUri and args',
      'customActions.headNode.args[0]: 2.x passes post_install_args split on whitespace; an argument cannot be empty or contain spaces',
      'queues[2]: 2.x sets enable_efa per queue; all compute resources of the queue must agree on efa',
    ]);
  });

  it('allows at most 5 queues and 3 compute resources per queue', () => {
    const queues = Array.from({ length: 6 }, (_, i) => ({
      name: `q${i}`,
      subnetIds: ['subnet-0a1b2c3d4e5f60001'],
      computeResources: Array.from({ length: i === 0 ? 4 : 1 }, (_, j) => ({ name: `c${j}`, instanceType: 'c5.large' })),
    }));
    expect(problems(() => renderLegacyIni({ ...legacy, queues }))).toEqual([
      'queues: 2.x allows at most 5 queues, got 6',
      'queues[0].computeResources: 2.x allows at most 3 compute resources per queue, got 4',
    ]);
  });

  it('passes the munge key secret ARN to customActions.postInstall first, and refuses it next to the 3.x scripts', () => {
    const withArgs = { ...legacy, customActions: { postInstall: { scriptUri: 's3://b/post-install.sh', args: ['extra'] } } };
    expect(renderLegacyIni(withArgs)).toContain(`post_install_args = ${legacy.mungeKeySecretArn} extra\n`);
    const both = { ...legacy, customActions: { ...legacy.customActions, headNode: { scriptUri: 's3://b/head.sh', args: [] } } };
    expect(problems(() => renderLegacyIni(both))).toEqual([
      'customActions: 2.x runs one post_install script on every node; give customActions.postInstall only (headNode/computeNode are the 3.x scripts)',
    ]);
    expect(problems(() => renderClusterConfig({ ...MINIMAL, customActions: { postInstall: { scriptUri: 's3://b/post-install.sh' } } }))).toEqual([
      'customActions.postInstall: postInstall is the single post_install script of ParallelCluster 2.x; 3.x runs customActions.headNode and computeNode',
    ]);
  });

  it('refuses values configparser would read back differently', () => {
    expect(problems(() => renderLegacyIni({ ...legacy, headNode: { ...legacy.headNode, keyName: 'key;with#marks' } }))).toEqual([
      '[cluster hpcha-cluster1] key_name: "key;with#marks" cannot be written safely to a 2.x INI (no ; # = % quotes brackets, newlines or surrounding spaces)',
    ]);
  });
});

describe('update-friendly settings (QueueUpdateStrategy, SrunPortRange, head node OnNodeUpdated)', () => {
  const updated = { scriptUri: 's3://bucket/runner.sh', args: ['/hpc-ha/x/head-node-script', 'abc123'] };
  const spec: ClusterSpec = {
    ...MINIMAL,
    queueUpdateStrategy: 'DRAIN',
    srunPortRange: '60001-63000',
    customActions: { headNode: { scriptUri: 's3://bucket/head.sh', args: [] }, headNodeUpdated: updated },
  };

  it('renders them where ParallelCluster reads them, and the result passes the config validator', () => {
    const { config, yaml } = renderClusterConfig(spec);
    const c = config as any;
    expect(c.Scheduling.SlurmSettings.QueueUpdateStrategy).toBe('DRAIN');
    expect(c.Scheduling.SlurmSettings.CustomSlurmSettings).toEqual([{ SrunPortRange: '60001-63000' }]);
    expect(c.HeadNode.CustomActions.OnNodeUpdated).toEqual({ Script: updated.scriptUri, Args: updated.args });
    expect(c.Scheduling.SlurmQueues[0].CustomActions?.OnNodeUpdated).toBeUndefined();
    expect(validateClusterConfig(yaml).issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('leaves them out unless asked (existing configs render byte for byte as before)', () => {
    const c = renderClusterConfig(MINIMAL).config as any;
    expect(Object.keys(c.Scheduling.SlurmSettings)).toEqual(['ScaledownIdletime', 'MungeKeySecretArn']);
    expect(c.HeadNode.CustomActions?.OnNodeUpdated).toBeUndefined();
  });

  it('refuses a range of privileged or reversed ports, and the 3.x-only settings for 2.x', () => {
    expect(problems(() => parseClusterSpec({ ...MINIMAL, srunPortRange: '63000-60001' }))).toEqual([
      'srunPortRange: 63000-60001 is not a range of unprivileged ports (1024-65535, low-high)',
    ]);
    expect(problems(() => parseClusterSpec({ ...legacyVariant(EXAMPLES[0]!.specs[0]), queueUpdateStrategy: 'DRAIN' }))).toEqual([
      'queueUpdateStrategy: ParallelCluster 2.x has no such setting (3.x only)',
    ]);
  });
});
