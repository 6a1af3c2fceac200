import { existsSync, statSync } from 'node:fs';
import { usageError } from './exit.js';

export const DEFAULT_CONFIG = 'hpc-ha.yaml';

/** `-c` wins, then HPC_HA_CONFIG (the variable `nx run infra:*` reads), then ./hpc-ha.yaml. */
export function configPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? (env['HPC_HA_CONFIG'] || DEFAULT_CONFIG);
}

/**
 * Fails with exit code 2 and a way forward when the config is not a readable file, naming where its path came
 * from (-c, HPC_HA_CONFIG or the default).
 */
export function requireConfigFile(path: string, explicit: boolean, env: NodeJS.ProcessEnv = process.env): void {
  const fromEnv = !explicit && env['HPC_HA_CONFIG'] === path;
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      throw usageError(`${fromEnv ? `HPC_HA_CONFIG=${path}` : path}: is a directory, not a config file`, 'name the YAML file itself, e.g. -c hpc-ha.yaml');
    }
    return;
  }
  if (explicit) throw usageError(`${path}: no such file`, 'check the path given to -c/--config');
  if (fromEnv) throw usageError(`HPC_HA_CONFIG=${path}: no such file`, 'fix or unset HPC_HA_CONFIG, or pass -c <file>');
  throw usageError(`no ${path} in ${process.cwd()}`, 'pass -c <file>, set HPC_HA_CONFIG, or create one with `hpc-ha init`');
}
