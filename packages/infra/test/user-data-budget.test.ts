/**
 * EC2's 16 KB user-data limit for every queue count the schema allows: the loader refuses a config whose portal
 * user data cannot fit; main.ts (what `nx run infra:synth` runs) applies it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { portalUserDataBytes, portalUserDataFits, USER_DATA_LIMIT_BYTES } from '../src/artifacts/index.js';
import { isConfigError, loadDeploymentConfig, type ConfigIssue } from '../src/config/index.js';
import { examplePath, PACKAGE_ROOT } from './support/synth.js';

const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-user-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The cn-north-1 example with `n` shared queues of one compute resource each and no per-cluster queues. */
function configFile(provisioner: 'cloudformation' | 'instance', n: number): string {
  const doc = parseDocument(readFileSync(examplePath('cn-north-1'), 'utf8'));
  doc.setIn(['clusters', 'provisioner'], provisioner);
  doc.setIn(['clusters', 'overrides'], {});
  doc.setIn(
    ['clusters', 'queues'],
    Array.from({ length: n }, (_, i) => ({ name: `queue-${i}`, computeResources: [{ name: `c5-${i}`, instanceType: 'c5.4xlarge', maxCount: 10 }] })),
  );
  const file = join(dir, `${provisioner}-${n}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

/** Instance mode with a package index URL so long that the user data passes 16 KB. */
function longPipIndex(): string {
  const file = configFile('instance', 1);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['clusters', 'pipIndexUrl'], `https://pypi.example.cn/${'x'.repeat(17_000)}/simple/`);
  writeFileSync(file, doc.toString());
  return file;
}

function refusal(file: string): readonly ConfigIssue[] {
  try {
    loadDeploymentConfig(file, { checks: [portalUserDataFits] });
    return [];
  } catch (e) {
    if (!isConfigError(e)) throw e;
    return e.issues;
  }
}

describe('portal user data within 16 KB', () => {
  it('provisioner: cloudformation fits at the largest queue count ParallelCluster allows (50)', () => {
    const config = loadDeploymentConfig(configFile('cloudformation', 50), { checks: [portalUserDataFits] });
    for (const bytes of portalUserDataBytes(config)) expect(bytes).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
  });

  it('provisioner: instance: the same user data size at every count up to 50 (the cluster configs are S3 objects)', () => {
    const sizes = [1, 6, 12, 50].map((n) => portalUserDataBytes(loadDeploymentConfig(configFile('instance', n), { checks: [portalUserDataFits] })));
    for (const s of sizes) expect(s).toEqual(sizes[0]);
    for (const bytes of sizes[0]!) expect(bytes).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
  }, 180_000);

  it('a value that makes the user data too long is refused, naming the limit', () => {
    const issues = refusal(longPipIndex());
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('portal');
    expect(issues[0]!.message).toContain(String(USER_DATA_LIMIT_BYTES));
  });

  it('nx run infra:synth (src/main.ts) refuses such a config: exit 2, file:line and the limit, no stack trace', () => {
    const file = longPipIndex();
    const out = mkdtempSync(join(dir, 'out-'));
    const run = spawnSync(process.execPath, ['--conditions=@hpc-ha/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: out, CDK_OUTDIR: out, HPC_HA_CONFIG: file, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+ .*portal: the user data of portal node 1 and 2 .*16384`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
