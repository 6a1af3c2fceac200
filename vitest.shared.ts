import { resolve } from 'node:path';
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

/**
 * One vitest configuration for every package, so that each package's test run reads sibling
 * packages from source (the `@hpc-ha/source` export condition) and writes a JSON report that
 * `.ci/run` sums into its closing `N passed, N failed` line.
 */
export function packageTestConfig(projectRoot: string, overrides: ViteUserConfig = {}): ViteUserConfig {
  const base = defineConfig({
    root: projectRoot,
    resolve: { conditions: ['@hpc-ha/source'] },
    ssr: { resolve: { conditions: ['@hpc-ha/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      pool: 'forks',
      testTimeout: 30_000,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: resolve(projectRoot, 'test-results/vitest.json') }]],
    },
  });
  return mergeConfig(base, overrides);
}
