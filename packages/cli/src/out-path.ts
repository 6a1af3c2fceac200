import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { usageError } from './exit.js';

/**
 * Checks of the paths commands write to, made before any work so that a wrong --out is one clear line and exit 2
 * instead of a raw ENOTDIR/ENOENT after the work is done.
 */

/** The first existing ancestor of `path` that is not a directory, if any (mkdir -p would fail on it). */
function fileInTheWay(path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    if (existsSync(p)) return statSync(p).isDirectory() ? undefined : p;
    if (dirname(p) === p) return undefined;
  }
}

/** The nearest directory at or above `path` that exists: where writing `path` needs permission. */
function nearestExisting(path: string): string {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/**
 * `path` can be written (or created): its nearest existing directory accepts writes. A read-only directory or file
 * system is a usage error named up front (exit 2), not a raw EACCES after the work is done.
 */
export function requireWritable(path: string, flag = '--out'): void {
  const dir = nearestExisting(path);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EACCES';
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw usageError(`${flag} ${path}: ${dir} ${why} (${code}); nothing was written`, 'choose a directory you can write to');
  }
}

/** `--out <dir>`: a directory that exists or can be created, and written to. */
export function requireOutDir(path: string, flag = '--out'): void {
  const blocker = fileInTheWay(path);
  if (blocker === path) throw usageError(`${flag} ${path}: is a file, not a directory`, `choose a directory (it is created when missing), e.g. ${flag} rendered`);
  if (blocker) throw usageError(`${flag} ${path}: ${blocker} is a file, not a directory`, 'choose a path under a directory');
  requireWritable(path, flag);
}

/** `--out <file>`: a file whose directory exists (it is not created: a typo there should not make directories). */
export function requireOutFile(path: string, flag = '--out'): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw usageError(`${flag} ${path}: is a directory`, `name the file to write, e.g. ${flag} ${path.replace(/\/+$/, '')}/hpc-ha.yaml`);
  const dir = dirname(path);
  if (!existsSync(dir)) throw usageError(`${flag} ${path}: the directory ${dir} does not exist`, `create it first (mkdir -p ${dir}) or choose another path`);
  if (!statSync(dir).isDirectory()) throw usageError(`${flag} ${path}: ${dir} is a file, not a directory`, 'choose a path under a directory');
  requireWritable(existsSync(path) ? path : dir, flag);
}
