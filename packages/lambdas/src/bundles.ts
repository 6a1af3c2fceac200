import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled Lambda handlers, each at `dist/<name>/index.mjs`. */
export const HANDLER_NAMES = ['cert', 'db-bootstrap', 'cluster-teardown', 'munge-key'] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Lambda `handler` strings of each bundle; `isComplete` only where the handler waits. */
export const HANDLER_FUNCTIONS: Readonly<Record<HandlerName, { onEvent: string; isComplete?: string }>> = {
  cert: { onEvent: 'index.onEvent', isComplete: 'index.isComplete' },
  'db-bootstrap': { onEvent: 'index.onEvent' },
  'cluster-teardown': { onEvent: 'index.onEvent', isComplete: 'index.isComplete' },
  'munge-key': { onEvent: 'index.onEvent' },
};

const PACKAGE_NAME = '@hpc-ha/lambdas';

/** This package's root: the nearest directory upwards whose package.json is ours (src/ or out-tsc/lib/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // An unreadable manifest is not ours; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * Absolute path of `dist/<name>` in this package, for `lambda.Code.fromAsset(...)`. Throws when the
 * bundle has not been built, saying how to build it.
 */
export function handlerBundleDir(name: HandlerName): string {
  return bundleDirIn(packageRoot(), name);
}

/** {@link handlerBundleDir} for a given package root (exported for tests only, not from index). */
export function bundleDirIn(root: string, name: HandlerName): string {
  if (!(HANDLER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown Lambda handler "${String(name)}"; expected one of: ${HANDLER_NAMES.join(', ')}`);
  }
  const dir = join(root, 'dist', name);
  if (!existsSync(join(dir, 'index.mjs'))) {
    throw new Error(`The "${name}" Lambda bundle is missing (${join(dir, 'index.mjs')}). Build it first: npx nx run lambdas:build`);
  }
  return dir;
}
