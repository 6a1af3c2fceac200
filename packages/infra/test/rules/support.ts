import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll } from 'vitest';
import { HpcHaDeployTimeChecks, type DeployTimeRule } from '../../src/rules/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

export const ENV = { region: 'cn-north-1', account: '123456789012' } as const;

/**
 * Builds a small app, synthesizes it (so stack-wide rules find their templates) and runs one rule of the pack on it.
 * Returns `<rule id> <construct path>` per violating resource.
 */
export function violations(rule: DeployTimeRule, build: (app: App, stack: Stack) => void, context?: Record<string, unknown>): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-rules-'));
  dirs.push(outdir);
  const app = new App({ outdir, context });
  const stack = new Stack(app, 'Test', { env: ENV });
  build(app, stack);
  app.synth();
  const report = new HpcHaDeployTimeChecks(undefined, { rules: [rule] }).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
}
