import type { DeploymentConfig } from '@hpc-ha/infra/config';
import { configPath, requireConfigFile } from './config-path.js';
import { usageError } from './exit.js';
import type { Ui } from './ui.js';

export interface ConfigFlag {
  config?: string;
}

/**
 * Loads and validates the config a command works on. Warnings go to stderr; an invalid config is a usage error
 * (exit 2) whose text lists every problem as file:line:column path: message.
 */
export async function loadConfig(flags: ConfigFlag, ui: Ui): Promise<DeploymentConfig> {
  const path = configPath(flags.config);
  requireConfigFile(path, flags.config !== undefined);
  const { loadDeploymentConfig, isConfigError, formatIssue } = await import('@hpc-ha/infra/config');
  try {
    return loadDeploymentConfig(path, { onWarning: (issue) => ui.warn(formatIssue(issue)) });
  } catch (e) {
    if (isConfigError(e)) throw usageError(e.message, 'fix the lines above, then run `hpc-ha validate` again');
    throw e;
  }
}
