import type { DeploymentConfig } from '@hpc-ha/infra/config';
import { failure } from './exit.js';
import type { Ui } from './ui.js';
import { CHECK } from './ui.js';

/**
 * The account checks `hpc-ha deploy` runs before it creates anything (doctor's, minus Aurora orderability): a
 * missing secret, jar or bootstrap, or an instance type one AZ lacks, stops the deploy here with the failed checks
 * and their fixes, instead of failing a stack up to an hour in. `--skip-preflight` bypasses it.
 */
export async function preflight(config: DeploymentConfig, ui: Ui): Promise<void> {
  const [{ runPreflight }, { createDoctorClients, formatCheck }] = await Promise.all([import('./doctor/checks.js'), import('./commands/doctor.js')]);
  const clients = await createDoctorClients(config.region);
  ui.info(`preflight: checking the account (${config.region}) before deploying …`);
  let results;
  try {
    results = await runPreflight(config, clients);
  } finally {
    clients.destroyAll();
  }
  const failed = results.filter((r) => r.status === 'fail');
  if (failed.length === 0) {
    ui.info(`${ui.style.ok(CHECK)} preflight: ${results.length} account checks passed`);
    return;
  }
  // Shown even with --quiet: they are the reason for the refusal.
  for (const r of failed) for (const line of formatCheck(r, ui)) ui.error(line);
  throw failure(
    `deploy refused: ${failed.length} preflight check${failed.length === 1 ? '' : 's'} failed; nothing was created`,
    `fix ${failed.length === 1 ? 'it' : 'them'} (\`hpc-ha doctor -c ${config.sourceFile}\` runs every check), or pass --skip-preflight to deploy anyway`,
  );
}
