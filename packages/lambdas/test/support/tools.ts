import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';
import { mariaDbAvailable } from '../../../../tools/test-harness/mariadb.js';
import { motoAvailable } from '../../../../tools/test-harness/moto.js';

/** In CI every real consumer is installed; a missing one must fail the run, never skip it. */
export const inCI = process.env['CI'] === 'true';

export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
}

export const TOOLS = {
  moto_server: motoAvailable,
  mariadb: mariaDbAvailable,
  openssl: opensslAvailable,
} as const;

/**
 * `describe` when every tool is there or when running in CI (where an absent one then fails the
 * suite's beforeAll); `describe.skip` on a developer machine without it.
 */
export function describeWith(...tools: (keyof typeof TOOLS)[]): typeof describe | typeof describe.skip {
  return tools.every((tool) => TOOLS[tool]()) || inCI ? describe : describe.skip;
}
