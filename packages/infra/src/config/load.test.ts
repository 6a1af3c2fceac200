import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError} from './errors.js';
import { type ConfigIssue } from './errors.js';
import { loadDeploymentConfig, parseDeploymentConfig } from './load.js';
import { clusterPlans, enginframePortal } from './resolved.js';
import { generatedFiles } from '../../scripts/codegen.js';
import { deploymentConfigJsonSchema } from './schema.js';

const EXAMPLES = new URL('../../../../examples/', import.meta.url);
const MINIMAL = readFileSync(new URL('./__fixtures__/minimal.yaml', import.meta.url), 'utf8');

describe('the shipped examples', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

  it('cover both China regions and a global one', () => {
    expect(files.sort()).toEqual(['cn-north-1-ondemand.yaml', 'cn-north-1.yaml', 'cn-northwest-1.yaml', 'us-east-1.yaml']);
  });

  it.each(files)('%s loads without errors or warnings and points editors at the schema', (f) => {
    const warnings: ConfigIssue[] = [];
    const path = new URL(f, EXAMPLES).pathname;
    const config = loadDeploymentConfig(path, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    // <region>.yaml, or <region>-<variant>.yaml (cn-north-1-ondemand.yaml: the Open OnDemand portal).
    expect(config.region).toBe(f.replace('.yaml', '').replace(/-ondemand$/, ''));
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../packages/infra/schema/hpc-ha.schema.json');
  });

  it('resolves China defaults from the region profile', () => {
    const config = loadDeploymentConfig(new URL('cn-north-1.yaml', EXAMPLES).pathname);
    expect(config.partition).toBe('aws-cn');
    expect(config.urlSuffix).toBe('amazonaws.com.cn');
    expect(config.loadBalancer.internetFacing).toBe(false);
    expect(config.clusters.pipIndexUrl).toMatch(/^https:\/\//);
    expect(config.storage.fsx).toEqual({ deploymentType: 'PERSISTENT_2', storageCapacityGiB: 1200, perUnitStorageThroughput: 125 });
  });

  it('gives each cluster the shared queues plus its own', () => {
    const config = loadDeploymentConfig(new URL('cn-north-1.yaml', EXAMPLES).pathname);
    const [one, two] = clusterPlans(config);
    expect(one.name).toBe('hpcha-cluster1');
    expect(one.availabilityZone).toBe('cn-north-1a');
    expect(one.queues.map((q) => q.name)).toEqual(['compute', 'memory', 'hpc']);
    expect(two.queues.map((q) => q.name)).toEqual(['compute', 'memory']);
    expect(two.fsxMountDir).toBe('/fsx_cluster2');
  });
});

describe('defaults', () => {
  const minimal = (lines: string[]) =>
    MINIMAL.split('\n')
      .filter((l) => !lines.some((drop) => l.startsWith(drop)))
      .join('\n');

  it('fills what the file leaves out, from the schema and the region', () => {
    const text = minimal(['  availabilityZones', '  internetFacing', '    deploymentType', 'database:', '  mode', '  minCapacity', '  maxCapacity']);
    const config = parseDeploymentConfig(text, 'x.yaml');
    expect(config.network.availabilityZones).toEqual(['cn-north-1a', 'cn-north-1b']);
    expect(config.loadBalancer.internetFacing).toBe(false);
    expect(config.database).toEqual({ mode: 'serverless-v2', minCapacity: 0.5, maxCapacity: 4, backupRetentionDays: 7 });
    expect(config.disposable).toBe(false);
    expect(config.portal.adminPasswordSecretKey).toBe('efadminPassword');
    expect(config.clusters.queues[0]!.capacityType).toBe('ONDEMAND');
  });

  it('makes a global region internet-facing and PyPI-backed by default', () => {
    const text = minimal(['  availabilityZones', '  internetFacing', 'account:'])
      .replaceAll('cn-north-1', 'us-east-1')
      .replace('arn:aws-cn:', 'arn:aws:');
    const config = parseDeploymentConfig(text, 'x.yaml');
    expect(config.partition).toBe('aws');
    expect(config.loadBalancer.internetFacing).toBe(true);
    expect(config.clusters.pipIndexUrl).toBeUndefined();
  });

  it('reads the EnginFrame build from the installer file name unless the file names it', () => {
    expect(enginframePortal(parseDeploymentConfig(MINIMAL, 'x.yaml')).installer.version).toBe('2021.0-r1667');
    const named = MINIMAL.replace('uri: s3://artifacts-bucket/enginframe-2021.0-r1667.jar', 'uri: s3://artifacts-bucket/ef.jar\n    version: 2021.0-r1780');
    expect(enginframePortal(parseDeploymentConfig(named, 'x.yaml')).installer.version).toBe('2021.0-r1780');
  });

  it('never changes a value the user wrote', () => {
    const config = parseDeploymentConfig(MINIMAL, 'x.yaml');
    expect(config.portal.rootVolumeGiB).toBe(50);
    expect(config.loadBalancer.allowedCidrs).toEqual(['10.0.0.0/8']);
    expect(config.account).toBe('123456789012');
  });
});

describe('problems a user can act on', () => {
  it('reports every problem at once, in file order', () => {
    const text = MINIMAL.replace('instanceType: m5.xlarge', 'instanceType: m6g.large').replace('storageCapacityGiB: 1200', 'storageCapacityGiB: 1000');
    const error = (() => {
      try {
        parseDeploymentConfig(text, 'hpc-ha.yaml');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.issues.map((i) => `${i.line} ${i.path}`)).toEqual(['7 portal.instanceType', '22 storage.fsx.storageCapacityGiB']);
    expect(error.message.split('\n')[0]).toBe('2 problems in hpc-ha.yaml:');
  });

  it('warns (without failing) about an installer URL China may not reach', () => {
    const warnings: ConfigIssue[] = [];
    const text = MINIMAL.replace('uri: s3://artifacts-bucket/enginframe-2021.0-r1667.jar', 'uri: https://downloads.example.com/enginframe-2021.0-r1667.jar');
    parseDeploymentConfig(text, 'hpc-ha.yaml', { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'portal.installer.uri', line: 11, severity: 'warning' });
  });

  it('warns (without failing) that ParallelCluster 2.x is out of support when a 2.x version is chosen', () => {
    const warnings: ConfigIssue[] = [];
    const text = MINIMAL.replace('provisioner: cloudformation', 'provisioner: instance')
      .replace('parallelclusterVersion: 3.16.3', 'parallelclusterVersion: 2.11.9')
      .replace('os: alinux2023', 'os: alinux2');
    const config = parseDeploymentConfig(text, 'hpc-ha.yaml', { onWarning: (w) => warnings.push(w) });
    expect(config.clusters.parallelclusterVersion).toBe('2.11.9');
    expect(warnings).toEqual([expect.objectContaining({ path: 'clusters.parallelclusterVersion', line: 28, severity: 'warning' })]);
    expect(warnings[0]!.message).toMatch(/2\.11\.9 is out of support since 2023-12-31/);
    // The same config on 3.x gets no such warning.
    const v3: ConfigIssue[] = [];
    parseDeploymentConfig(MINIMAL, 'hpc-ha.yaml', { onWarning: (w) => v3.push(w) });
    expect(v3).toEqual([]);
  });

  it('takes an optional EnginFrame licence file and checks it like the other artefacts', () => {
    const warningsOf = (text: string): ConfigIssue[] => {
      const warnings: ConfigIssue[] = [];
      parseDeploymentConfig(text, 'hpc-ha.yaml', { onWarning: (w) => warnings.push(w) });
      return warnings;
    };
    expect(parseDeploymentConfig(MINIMAL, 'x.yaml').portal.licenseFile).toBeUndefined();
    const licensed = MINIMAL.replace(
      '    uri: s3://artifacts-bucket/mysql-connector-j.jar\n',
      `    uri: s3://artifacts-bucket/mysql-connector-j.jar\n  licenseFile:\n    uri: s3://artifacts-bucket/license.ef\n    sha256: ${'a'.repeat(64)}\n`,
    );
    expect(warningsOf(licensed)).toEqual([]);
    expect(parseDeploymentConfig(licensed, 'x.yaml').portal.licenseFile).toEqual({ uri: 's3://artifacts-bucket/license.ef', sha256: 'a'.repeat(64) });
    const bad = licensed.replace(`sha256: ${'a'.repeat(64)}`, 'sha256: abc').replace('uri: s3://artifacts-bucket/license.ef', 'uri: ftp://x/license.ef');
    const issues = (() => {
      try {
        parseDeploymentConfig(bad, 'hpc-ha.yaml');
      } catch (e) {
        return (e as ConfigError).issues;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(issues.map((i) => `${i.line} ${i.path}`)).toEqual(['16 portal.licenseFile.uri', '17 portal.licenseFile.sha256']);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadDeploymentConfig('/nonexistent/hpc-ha.yaml')).toThrow(/^1 problem in \/nonexistent\/hpc-ha.yaml:\n\/nonexistent\/hpc-ha.yaml cannot read the config: no such file$/);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-config-'));
    writeFileSync(join(dir, 'empty.yaml'), '# nothing yet\n');
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(() => loadDeploymentConfig(join(dir, 'empty.yaml'))).toThrow(/the file is empty/);
    expect(() => loadDeploymentConfig(join(dir, 'list.yaml'))).toThrow(/must be a mapping/);
  });
});

describe('published JSON Schema', () => {
  it.each(generatedFiles().map((f) => [f.path, f.content]))('%s is up to date with the TypeBox definition (run `nx run infra:build`)', (path, content) => {
    expect(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')).toBe(content);
  });

  it('lets editors leave out keys that have defaults', () => {
    const schema = deploymentConfigJsonSchema() as { required: string[] };
    expect(schema.required).toEqual(['name', 'region', 'portal', 'loadBalancer', 'clusters']);
  });
});
