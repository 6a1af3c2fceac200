import { describe, expect, it } from 'vitest';
import { ClusterSpecError, planClusterUpdate, renderClusterConfig, renderLegacyIni, validateClusterConfig, type ClusterSpec } from '../src/index.js';
import { MINIMAL } from './fixtures/example-specs.js';

const SECRET = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:hpcha-slurm-cluster1-AbCdEf';
const ACCOUNTING = { uri: 'db.cluster-abc.rds.cn-north-1.amazonaws.com.cn:3306', userName: 'slurm_cluster1', passwordSecretArn: SECRET, databaseName: 'hpcha_cluster1' };

const withAccounting = (extra: Partial<ClusterSpec> = {}, accounting: Partial<typeof ACCOUNTING> = {}): ClusterSpec => ({
  ...MINIMAL,
  ...extra,
  slurmAccounting: { ...ACCOUNTING, ...accounting },
});

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClusterSpecError);
    return (e as ClusterSpecError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ClusterSpecError');
}

const database = (config: object) => (config as { Scheduling: { SlurmSettings: { Database?: unknown } } }).Scheduling.SlurmSettings.Database;

describe('Slurm accounting (SlurmSettings.Database)', () => {
  it('renders Uri, UserName, PasswordSecretArn and DatabaseName, and the result passes the v3 validator', () => {
    const { config } = renderClusterConfig(withAccounting());
    expect(database(config)).toEqual({ Uri: ACCOUNTING.uri, UserName: 'slurm_cluster1', PasswordSecretArn: SECRET, DatabaseName: 'hpcha_cluster1' });
    expect(validateClusterConfig(config, { clusterName: MINIMAL.clusterName, parallelclusterVersion: '3.16.3' }).valid).toBe(true);
  });

  it('no accounting, no Database section', () => {
    expect(database(renderClusterConfig(MINIMAL).config)).toBeUndefined();
  });

  it('before 3.8.0 refuses a DatabaseName other than the one ParallelCluster then always uses', () => {
    expect(problems(() => renderClusterConfig(withAccounting({ parallelclusterVersion: '3.7.2', os: 'alinux2' }, { databaseName: 'other' })))).toContain(
      'slurmAccounting.databaseName: DatabaseName needs ParallelCluster 3.8.0; 3.7.2 always uses "hpcha_cluster1" (the cluster name with - as _)',
    );
  });

  it('refuses a release before 3.3.0 and every 2.x release', () => {
    expect(problems(() => renderClusterConfig(withAccounting({ parallelclusterVersion: '3.2.1', os: 'alinux2' }, { databaseName: undefined })))).toContain(
      'slurmAccounting: Scheduling.SlurmSettings.Database needs ParallelCluster 3.3.0 or later, not 3.2.1',
    );
    expect(problems(() => renderLegacyIni(withAccounting({ parallelclusterVersion: '2.11.9', os: 'alinux2' })))).toContain(
      'slurmAccounting: ParallelCluster 2.x has no Slurm accounting setting (Scheduling.SlurmSettings.Database is 3.3.0+)',
    );
  });

  it.each([
    ['mysql://db.example.com:3306', /has a scheme/],
    ['/db.example.com:3306', /starts with "\/"/],
    ['db.example.com:70000', /not a TCP port/],
    ['db_example!:3306', /not a host name/],
  ])('refuses the URI %s as DatabaseUriValidator does', (uri, message) => {
    expect(problems(() => renderClusterConfig(withAccounting({}, { uri })))).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a deploy-time endpoint (CDK token or render placeholder) with its port', () => {
    for (const uri of ['${Token[TOKEN.77]}:3306', '<DatabaseEndpoint>:3306']) {
      expect(database(renderClusterConfig(withAccounting({}, { uri })).config)).toMatchObject({ Uri: uri });
    }
  });

  it.each([
    ['userName', 'slurm-cluster1', /userName/],
    ['userName', 'a_user_name_longer_than_32_chars_x', /userName/],
    ['databaseName', 'Hpcha_Cluster1', /databaseName/],
    ['passwordSecretArn', 'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/x', /passwordSecretArn/],
  ])('refuses %s %s (MySQL and ParallelCluster name rules)', (key, value, path) => {
    expect(problems(() => renderClusterConfig(withAccounting({}, { [key]: value })))).toEqual([expect.stringMatching(path)]);
  });

  it('with accounting a cluster name may have at most 40 characters', () => {
    const name = `a${'b'.repeat(40)}`;
    expect(problems(() => renderClusterConfig(withAccounting({ clusterName: name }, { databaseName: undefined })))).toEqual([
      'clusterName: has 41 characters; with Slurm accounting ParallelCluster allows at most 40',
    ]);
  });

  it('the validator gates Database to 3.3.0+ and DatabaseName to 3.8.0+ for configs users bring', () => {
    const { config } = renderClusterConfig(withAccounting());
    const messages = (version: string) => validateClusterConfig(config, { clusterName: MINIMAL.clusterName, parallelclusterVersion: version }).issues.map((i) => i.message);
    expect(messages('3.2.0')).toContain('Scheduling.SlurmSettings.Database needs ParallelCluster 3.3.0 or later, not 3.2.0');
    expect(messages('3.7.0')).toContain('Scheduling.SlurmSettings.Database.DatabaseName needs ParallelCluster 3.8.0 or later, not 3.7.0');
    expect(messages('3.7.0')).not.toContain('Scheduling.SlurmSettings.Database needs ParallelCluster 3.3.0 or later, not 3.7.0');
  });

  it('turning accounting on or off for a running cluster needs its compute fleet stopped (COMPUTE_FLEET_STOP)', () => {
    const off = renderClusterConfig(MINIMAL).config;
    const on = renderClusterConfig(withAccounting()).config;
    for (const [from, to] of [[off, on], [on, off]] as const) {
      const plan = planClusterUpdate(from, to);
      expect(plan.changes.map((c) => [c.path, c.policy, c.blocked])).toEqual([['Scheduling.SlurmSettings.Database', 'COMPUTE_FLEET_STOP', true]]);
      expect(planClusterUpdate(from, to, { computeFleetStopped: true }).blocked).toEqual([]);
    }
    // A new database name alone is applied live (ParallelCluster's DatabaseName policy is SUPPORTED).
    const renamed = renderClusterConfig(withAccounting({}, { databaseName: 'hpcha_cluster1_v2' })).config;
    expect(planClusterUpdate(on, renamed).changes.map((c) => [c.path, c.policy, c.blocked])).toEqual([
      ['Scheduling.SlurmSettings.Database.DatabaseName', 'SUPPORTED', false],
    ]);
  });
});
