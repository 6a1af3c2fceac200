import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHECKER = fileURLToPath(new URL('./PropsCheck.java', import.meta.url));

export function javaAvailable(): boolean {
  return spawnSync('java', ['-version'], { encoding: 'utf8' }).status === 0;
}

export interface LoadedProperties {
  /** What java.util.Properties read, key → value. */
  entries: Map<string, string>;
  /** The lines Properties.store writes for the same entries (no comments). */
  storeLines: string[];
}

/** Runs the single-file Java checker (no compile step) on every file at once. */
export function loadWithJava(files: readonly string[]): Map<string, LoadedProperties> {
  const run = spawnSync('java', [CHECKER, ...files], { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`PropsCheck failed (${run.status}): ${run.stderr}`);
  const result = new Map<string, LoadedProperties>();
  let current: LoadedProperties | undefined;
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('F ')) {
      current = { entries: new Map(), storeLines: [] };
      result.set(line.slice(2), current);
    } else if (line.startsWith('K ') && current) {
      const [k, v] = line.slice(2).split('\t') as [string, string];
      current.entries.set(JSON.parse(k) as string, JSON.parse(v) as string);
    } else if (line.startsWith('S ') && current) {
      current.storeLines.push(line.slice(2));
    }
  }
  return result;
}
