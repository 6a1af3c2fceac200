import { existsSync } from 'node:fs';
import { usageError } from './exit.js';

export const DEFAULT_CONFIG = 'hpc-ha.yaml';

/** `-c` wins, then HPC_HA_CONFIG (the variable `nx run infra:*` reads), then ./hpc-ha.yaml. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env['HPC_HA_CONFIG'] || DEFAULT_CONFIG);
}

/** Fails with exit code 2 and a way forward when the default file is simply not there. */
export function requireConfigFile(path: string, explicit: boolean): void {
  if (existsSync(path)) return;
  if (explicit) throw usageError(`${path}: no such file`, 'check the path given to -c/--config');
  throw usageError(`no ${path} in ${process.cwd()}`, 'pass -c <file>, set HPC_HA_CONFIG, or create one with `hpc-ha init`');
}
