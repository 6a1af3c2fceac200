/**
 * The CDK app entry (`cdk.json`: `node dist/main.js`). Config file: `--context config=<path>`, else
 * `HPC_HA_CONFIG`, else the repository's examples/cn-north-1.yaml. A bad config prints its problems (file:line:col)
 * and exits 2, without a stack trace.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { createApp } from './app.js';
import { DEPLOY_TIME_CHECKS } from './artifacts/index.js';
import { isConfigError, loadDeploymentConfig } from './config/index.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = resolve(PACKAGE_DIR, '..', '..');
export const DEFAULT_CONFIG = resolve(REPO_ROOT, 'examples', 'cn-north-1.yaml');

/** A relative path is looked up from where the user ran the command, then from the repository root. */
export function resolveConfigPath(requested: string | undefined, cwd = process.cwd(), initCwd = process.env['INIT_CWD']): string {
  if (!requested) return DEFAULT_CONFIG;
  if (isAbsolute(requested)) return requested;
  const candidates = [cwd, initCwd, REPO_ROOT].filter((d): d is string => !!d).map((d) => resolve(d, requested));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** Errors a user fixes in their config (the generators' spec errors included): message only, exit code 2. */
function isUserError(e: unknown): e is Error {
  return isConfigError(e) || (e instanceof Error && ['ClusterSpecError', 'SpecValidationError'].includes(e.name));
}

function main(): void {
  // The CLI hands `--context` to the app through the environment; a bare App reads it the same way.
  const fromContext = new App({ autoSynth: false }).node.tryGetContext('config') as unknown;
  const requested = typeof fromContext === 'string' && fromContext ? fromContext : process.env['HPC_HA_CONFIG'];
  try {
    // Refused here, with the file and line, rather than by EC2 or CloudFormation at deploy time (validate runs the same).
    const config = loadDeploymentConfig(resolveConfigPath(requested), { checks: DEPLOY_TIME_CHECKS });
    createApp(config).synth();
  } catch (e) {
    if (!isUserError(e)) throw e;
    console.error(e.message);
    process.exit(2);
  }
}

main();
