/** `hpc-ha update-check`: what an update from one synthesized assembly to another will do, refused when unsafe. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_OK, EXIT_USAGE, usageError, type ExitCode } from '../exit.js';
import { loadConfig } from '../load-config.js';
import type { Ui } from '../ui.js';
import { readAssembly, type Assembly } from '../update-check/assembly.js';
import { readBreakingChanges } from '../update-check/changelog.js';
import { checkUpdate } from '../update-check/check.js';
import { printReport, reportJson } from '../update-check/render.js';

export interface UpdateCheckFlags {
  from?: string;
  to?: string;
  config?: string;
  json?: boolean;
  forceReplace?: string[];
  changelog?: string;
  since?: string;
  fleetStopped?: boolean;
}

/** The config synthesized offline into a temporary directory, read, and the directory removed. */
async function synthesizeConfig(flags: UpdateCheckFlags, ui: Ui): Promise<Assembly> {
  const config = await loadConfig(flags, ui);
  const { createApp } = await import('@hpc-ha/infra');
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-update-check-'));
  try {
    ui.info(`synthesizing ${config.sourceFile} …`);
    // The context the toolkit gives `hpc-ha synth` and deploy: construct paths in the templates, as on the other side.
    createApp(config, { outdir, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } }).synth();
    return { ...readAssembly(outdir), source: config.sourceFile };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export async function updateCheckCommand(flags: UpdateCheckFlags, ui: Ui): Promise<ExitCode> {
  if (!flags.from) throw usageError('update-check needs --from <cloud assembly dir> (the templates deployed now)');
  if (flags.to && flags.config) throw usageError('give either --to <dir> or -c <config> as the new side, not both');
  const from = readAssembly(flags.from);
  const to = flags.to ? readAssembly(flags.to) : await synthesizeConfig(flags, ui);
  const breaking = flags.changelog ? readBreakingChanges(flags.changelog, flags.since) : [];
  const report = await checkUpdate(from, to, {
    ...(flags.forceReplace ? { forceReplace: flags.forceReplace } : {}),
    breaking,
    ...(flags.fleetStopped ? { fleetStopped: true } : {}),
  });
  if (flags.json) ui.out(reportJson(report));
  else printReport(ui, report);
  if (report.refusals.length) {
    if (!flags.json) ui.error(`update-check refused ${report.refusals.length} change${report.refusals.length === 1 ? '' : 's'} (see above); nothing was deployed`);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}
