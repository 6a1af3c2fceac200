/**
 * EC2's 16 KB user-data limit for every queue count the schema allows: the loader refuses a config whose portal
 * user data cannot fit, pointing at the queue that tips it over; main.ts (what `nx run infra:synth` runs) applies it.
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

  it('provisioner: instance: each count up to 50 either fits or is refused at the queue that tips it over', () => {
    let firstRefused: number | undefined;
    // Every count around the limit, then up to the largest ParallelCluster allows.
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 25, 50]) {
      const file = configFile('instance', n);
      const issues = refusal(file);
      if (issues.length === 0) {
        expect(firstRefused, `${n} queues load after ${firstRefused} were refused`).toBeUndefined();
        const sizes = portalUserDataBytes(loadDeploymentConfig(file));
        for (const bytes of sizes) expect(bytes).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
      } else {
        firstRefused ??= n;
        // The queue named is the first that does not fit, whatever the total: always the same one.
        const lines = readFileSync(file, 'utf8').split('\n');
        expect(issues).toHaveLength(1);
        for (const issue of issues) {
          expect(issue.path).toBe(`clusters.queues[${firstRefused - 1}]`);
          expect(lines[issue.line - 1]).toContain(`queue-${firstRefused - 1}`);
          expect(issue.file).toBe(file);
          expect(issue.message).toContain(String(USER_DATA_LIMIT_BYTES));
        }
      }
    }
    // About 0.6 KB per queue on top of ~11.7 KB: a handful of queues fit, 50 do not.
    expect(firstRefused).toBeGreaterThan(3);
    expect(firstRefused).toBeLessThan(12);
  }, 180_000);

  it('nx run infra:synth (src/main.ts) refuses such a config: exit 2, file:line and the limit, no stack trace', () => {
    const file = configFile('instance', 20);
    const out = mkdtempSync(join(dir, 'out-'));
    const run = spawnSync(process.execPath, ['--conditions=@hpc-ha/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env['PATH'] ?? '', HOME: out, CDK_OUTDIR: out, HPC_HA_CONFIG: file, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+ .*clusters\\.queues\\[\\d+\\]: the user data of portal node 1 and 2 .*16384`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
