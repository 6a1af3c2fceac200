import { isAbsolute, normalize, sep } from 'node:path';
import { EXIT_OK, failure, type ExitCode } from '../exit.js';
import { loadConfig } from '../load-config.js';
import type { Ui } from '../ui.js';
import { CHECK } from '../ui.js';
import { renderReadme, type RenderedFile } from '../render-readme.js';
import { RENDER_MANIFEST, writeRendered } from '../render-output.js';
import { requireOutDir } from '../out-path.js';

export interface RenderFlags {
  config?: string;
  out: string;
}

function safeRelative(path: string): string {
  const p = normalize(path);
  if (isAbsolute(p) || p === '..' || p.startsWith(`..${sep}`) || p === 'README.txt' || p === RENDER_MANIFEST) throw failure(`refusing to write artefact path ${JSON.stringify(path)}`);
  return p;
}

/** `hpc-ha render`: every generated artefact, written to a directory with deploy-time values as placeholders. */
export async function renderCommand(flags: RenderFlags, ui: Ui): Promise<ExitCode> {
  requireOutDir(flags.out);
  const config = await loadConfig(flags, ui);
  const { renderDeploymentArtifacts, placeholderValues } = await import('@hpc-ha/infra/artifacts');
  const files: RenderedFile[] = renderDeploymentArtifacts(config, placeholderValues(config));
  const contents = new Map<string, string>(files.map((f) => [safeRelative(f.path), f.content]));
  contents.set('README.txt', renderReadme(files, config.sourceFile));
  writeRendered(flags.out, contents);
  ui.out(`${ui.style.ok(CHECK)} wrote ${files.length + 1} files to ${flags.out}`);
  const width = Math.max(...files.map((f) => f.path.length));
  if (!ui.quiet) for (const f of files) ui.out(`  ${f.path.padEnd(width)}  ${ui.style.dim(f.description)}`);
  return EXIT_OK;
}
