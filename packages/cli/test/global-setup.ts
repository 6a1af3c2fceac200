import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync } from 'node:fs';
import { BIN, REPO_ROOT } from './cli.js';

/**
 * Builds dist/ (tsc --build is incremental: a no-op when nothing changed) so the tests run the binary a user
 * runs. Type errors are the typecheck target's business; only a missing binary stops the tests here.
 */
export default function setup(): void {
  const r = spawnSync('npx', ['tsc', '--build', 'packages/cli/tsconfig.lib.json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 });
  if (!existsSync(BIN)) throw new Error(`build did not produce ${BIN}:\n${r.stdout}\n${r.stderr}`);
  chmodSync(BIN, 0o755);
}
