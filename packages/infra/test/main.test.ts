/** The cdk.json entry (src/main.ts) run as the CDK CLI runs it: a child process with CDK_OUTDIR set. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from './support/synth.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs the app with only the environment given (no AWS credentials, no profile, network pointed nowhere). */
function runApp(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-main-'));
  dirs.push(outdir);
  const run = spawnSync(process.execPath, ['--conditions=@hpc-ha/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: outdir,
      CDK_OUTDIR: outdir,
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      ...env,
    },
  });
  const stackNames = (): string[] => {
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
    };
    return Object.values(manifest.artifacts)
      .filter((a) => a.type === 'aws:cloudformation:stack')
      .map((a) => a.properties?.stackName ?? '')
      .sort();
  };
  return { ...run, outdir, stackNames };
}

describe('src/main.ts', () => {
  it('synthesizes the default config (examples/cn-north-1.yaml) offline, with no AWS credentials', () => {
    const run = runApp({});
    expect(run.stderr).not.toMatch(/credential|ENOTFOUND|ECONNREFUSED/i);
    expect(run.status).toBe(0);
    expect(run.stackNames()).toEqual(['hpcha-ALB', 'hpcha-AuroraServerless', 'hpcha-Clusters', 'hpcha-EFS', 'hpcha-EnginFrame', 'hpcha-FSX', 'hpcha-Monitoring', 'hpcha-VPC']);
  }, 150_000);

  it('takes --context config over HPC_HA_CONFIG, resolving a relative path from the repository root', () => {
    const run = runApp({ CDK_CONTEXT_JSON: JSON.stringify({ config: 'examples/cn-northwest-1.yaml' }), HPC_HA_CONFIG: 'examples/us-east-1.yaml' });
    expect(run.status).toBe(0);
    expect(run.stackNames()).toEqual(['hpcha-nx-ALB', 'hpcha-nx-AuroraServerless', 'hpcha-nx-EFS', 'hpcha-nx-EnginFrame', 'hpcha-nx-FSX', 'hpcha-nx-Monitoring', 'hpcha-nx-VPC']);
  }, 150_000);

  it('prints a bad config\'s problems as file:line:col and exits 2, without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-bad-'));
    dirs.push(dir);
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, readFileSync(join(PACKAGE_ROOT, '../../examples/cn-north-1.yaml'), 'utf8').replace('instanceType: m5.xlarge', 'instanceType: m7g.large'));
    const run = runApp({ HPC_HA_CONFIG: file });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml:\d+:\d+ portal\.instanceType: .*m7g\.large.*Arm/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('reports a missing config file the same way', () => {
    const run = runApp({ HPC_HA_CONFIG: '/nonexistent/hpc-ha.yaml' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('/nonexistent/hpc-ha.yaml');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
