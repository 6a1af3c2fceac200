import { describe, expect, it } from 'vitest';
import { NOT_STATEFUL_HERE, STATEFUL_RESOURCE_TYPES } from '@hpc-ha/infra/config';
import { breakingChanges } from './changelog.js';
import { loadResourceSpec } from './spec.js';

describe('the resource specification (@aws-cdk/aws-service-spec)', () => {
  it("hpc-ha's stateful list (NagPack rule, update-check) covers every type the specification marks stateful", async () => {
    const spec = await loadResourceSpec();
    const missing = spec.statefulTypes().filter((t) => !STATEFUL_RESOURCE_TYPES.includes(t) && !(t in NOT_STATEFUL_HERE));
    expect(missing).toEqual([]);
  });

  it('create-only properties replace, at any depth; updatable ones do not', async () => {
    const spec = await loadResourceSpec();
    const lustre = (deploymentType: string, throughput: number) => ({ FileSystemType: 'LUSTRE', LustreConfiguration: { DeploymentType: deploymentType, ThroughputCapacity: throughput } });
    expect(spec.replacingChanges('AWS::FSx::FileSystem', lustre('PERSISTENT_2', 1), lustre('PERSISTENT_1', 1))).toEqual([{ path: 'LustreConfiguration.DeploymentType', certainty: 'yes' }]);
    expect(spec.replacingChanges('AWS::FSx::FileSystem', lustre('PERSISTENT_2', 1), lustre('PERSISTENT_2', 2))).toEqual([]);
    expect(spec.replacingChanges('AWS::EFS::FileSystem', { PerformanceMode: 'generalPurpose' }, { PerformanceMode: 'maxIO' })).toEqual([{ path: 'PerformanceMode', certainty: 'yes' }]);
    expect(spec.replacingChanges('AWS::EFS::FileSystem', { ThroughputMode: 'bursting' }, { ThroughputMode: 'elastic' })).toEqual([]);
    expect(spec.replacingChanges('AWS::EC2::Instance', { InstanceType: 'm5.large' }, { InstanceType: 'm5.xlarge' })).toEqual([{ path: 'InstanceType', certainty: 'maybe' }]);
    expect(spec.replacingChanges('Custom::Anything', { A: 1 }, { A: 2 })).toEqual([]);
  });

  it('stateful: the specification plus hpc-ha additions, minus the nested stack', async () => {
    const spec = await loadResourceSpec();
    expect(spec.isStateful('AWS::EFS::FileSystem')).toBe(true);
    expect(spec.isStateful('AWS::DirectoryService::MicrosoftAD')).toBe(true);
    expect(spec.isStateful('AWS::CloudFormation::Stack')).toBe(false);
    expect(spec.isStateful('AWS::EC2::LaunchTemplate')).toBe(false);
  });
});

describe('CHANGELOG breaking changes', () => {
  const log = (body: string) => `# Changelog\n\n## Unreleased\n\n### Breaking changes\n\n${body}\n\n## 0.2.0\n\n### Breaking changes\n\n- \`Old/Thing\` x.\n  Migration: y.\n\n## 0.1.0\n`;

  it('reads each bullet since the last release, continuation lines included', () => {
    expect(breakingChanges(log('- `EFS/FileSystem` becomes maxIO.\n  Migration: copy /efs first.'), 'C.md').map((b) => [b.key, b.line])).toEqual([['EFS/FileSystem', 7]]);
  });

  it('--since an older release includes the releases after it', () => {
    expect(breakingChanges(log('- `A` a. Migration: b.'), 'C.md', '0.1.0').map((b) => b.key)).toEqual(['A', 'Old/Thing']);
  });

  it('an entry without migration steps, or without a name in backticks, is an error naming the line', () => {
    expect(() => breakingChanges(log('- `A` becomes B.'), 'C.md')).toThrow('C.md:7: the breaking change `A` has no migration steps');
    expect(() => breakingChanges(log('- something. Migration: x'), 'C.md')).toThrow('C.md:7: a breaking change must start with what it changes in backticks');
  });
});
