/**
 * Proves what a module does NOT load: runs `code` after importing `entry` in a fresh node process (TypeScript via
 * tsx) in which resolving any of `deny` throws `HPC_HA_DENIED_MODULE <specifier>`. Returns the process's stdout.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** aws-cdk-lib and what comes with it: what the CLI must not pay for when it only validates or renders. */
export const CDK_MODULES = ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'constructs/*', 'cdk-nag', 'cdk-nag/*'] as const;

const REGISTER = fileURLToPath(new URL('./deny-modules-register.mjs', import.meta.url));

export interface ImportDenyingOptions {
  /** Specifiers that must not be resolved; a trailing `*` matches by prefix. */
  readonly deny: readonly string[];
  /** Module (path or specifier) imported as `m` before `code` runs. */
  readonly entry: string;
  readonly code: string;
  readonly cwd: string;
  /** Extra node flags, e.g. `--conditions=@hpc-ha/source`. */
  readonly nodeArgs?: readonly string[];
}

export function importDenying(o: ImportDenyingOptions): string {
  return execFileSync(
    process.execPath,
    [...(o.nodeArgs ?? []), '--import', 'tsx', '--import', REGISTER, '--input-type=module', '-e', `const m = await import(${JSON.stringify(o.entry)}); ${o.code}`],
    { encoding: 'utf8', cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HPC_HA_DENY_MODULES: o.deny.join(',') } },
  );
}
