import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { usageError } from './exit.js';

/**
 * Where `render` keeps the list of files it wrote into a directory. A directory that has it was made by render and
 * may be rendered into again, which replaces exactly those files; any other non-empty directory is refused, so
 * render never overwrites or deletes a file it did not write.
 */
export const RENDER_MANIFEST = '.hpc-ha-render.json';

interface Manifest {
  readonly files: readonly string[];
}

function previousFiles(dir: string): string[] | undefined {
  const path = join(dir, RENDER_MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (Array.isArray(m.files) && m.files.every((f) => typeof f === 'string')) return [...m.files];
  } catch {
    // An unreadable manifest is treated like none: the directory is refused rather than guessed at.
  }
  return undefined;
}

/** Removes `dir` and its parents up to (not including) `root` while they are empty. */
function pruneEmpty(dir: string, root: string): void {
  for (let d = dir; d !== root && d.startsWith(root); d = dirname(d)) {
    if (readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}

/**
 * Writes `files` (relative path → content) into `dir`: refuses a non-empty directory render did not make, and in
 * one it did make removes the files of the previous render that this one no longer produces.
 */
export function writeRendered(dir: string, files: ReadonlyMap<string, string>, flag = '--out'): void {
  const existing = existsSync(dir) ? readdirSync(dir) : [];
  const previous = previousFiles(dir);
  if (existing.length > 0 && previous === undefined) {
    throw usageError(`${flag} ${dir}: the directory is not empty and was not written by hpc-ha render; nothing was written`, `choose a new or empty directory, e.g. ${flag} ${dir.replace(/\/+$/, '')}-rendered`);
  }
  mkdirSync(dir, { recursive: true });
  for (const stale of previous ?? []) {
    if (files.has(stale)) continue;
    const path = join(dir, stale);
    rmSync(path, { force: true });
    pruneEmpty(dirname(path), dir);
  }
  for (const [rel, content] of files) {
    const target = join(dir, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    if (content.startsWith('#!')) chmodSync(target, 0o755);
  }
  const manifest: Manifest = { files: [...files.keys()] };
  writeFileSync(join(dir, RENDER_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}
