import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { usageError } from '../exit.js';
import { requireWritable } from '../out-path.js';

/**
 * Where the toolkit writes a cloud assembly, so that no command leaves one behind half-written or forgotten:
 * `diff` and `deploy` synthesize into a temporary folder that is removed however the command ends, and `synth
 * --out` writes next to its target and renames it into place only once the assembly is complete (a Ctrl-C never
 * leaves a `cdk.out` without its manifest.json).
 */
export interface SynthDir {
  /** The folder to hand to the toolkit as `outdir`. */
  readonly path: string;
  /** `synth --out`: replaces the target with the finished assembly. */
  commit(): void;
  /** Removes what is left (the temporary folder); safe to call more than once. */
  dispose(): void;
}

const live = new Set<string>();
let hooked = false;

/** On Ctrl-C, SIGTERM or any exit, the folders still in use go with the process. */
function hookCleanup(): void {
  if (hooked) return;
  hooked = true;
  const removeAll = () => {
    for (const dir of live) rmSync(dir, { recursive: true, force: true });
    live.clear();
  };
  process.on('exit', removeAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(code);
    });
  }
}

function track(path: string): SynthDir & { keep(): void } {
  hookCleanup();
  live.add(path);
  return {
    path,
    commit: () => undefined,
    dispose: () => {
      if (!live.delete(path)) return;
      rmSync(path, { recursive: true, force: true });
    },
    keep: () => void live.delete(path),
  };
}

/** A throw-away folder under the system's temporary directory, for `diff` and `deploy`. */
export function temporarySynthDir(): SynthDir {
  return track(mkdtempSync(join(tmpdir(), 'hpc-ha-synth-')));
}

/** True when `dir` holds only what a synth writes: a manifest.json (a cloud assembly), or nothing at all. */
function isAssemblyOrEmpty(dir: string): boolean {
  const entries = readdirSync(dir);
  return entries.length === 0 || entries.includes('manifest.json');
}

/**
 * A folder beside `out` (same file system, so the final rename is atomic) that becomes `out` on commit. An existing
 * `out` is replaced only when it is an earlier assembly or empty; anything else is the user's and is refused.
 */
export function stagedSynthDir(out: string, flag = '--out'): SynthDir {
  const target = resolve(out);
  if (existsSync(target) && !isAssemblyOrEmpty(target)) {
    throw usageError(`${flag} ${out}: the directory is not empty and holds no cloud assembly (manifest.json); nothing was written`, `choose an empty directory or a new one, e.g. ${flag} cdk.out`);
  }
  requireWritable(dirname(target), flag);
  // `--out a/b/cdk.out` makes its missing parents, as a synth always has.
  mkdirSync(dirname(target), { recursive: true });
  const staged = track(mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`)));
  return {
    path: staged.path,
    dispose: staged.dispose,
    commit: () => {
      const old = existsSync(target) ? `${staged.path}.old` : undefined;
      if (old) {
        renameSync(target, old);
        live.add(old);
      }
      renameSync(staged.path, target);
      staged.keep();
      if (old) {
        rmSync(old, { recursive: true, force: true });
        live.delete(old);
      }
    },
  };
}
