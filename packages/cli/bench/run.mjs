// Start-up benchmark of the built `hpc-ha` binary (not a test; never fails on slowness). Each figure is the median
// of fresh processes, next to `node -e 0` measured in the same run: on a shared machine only the ratio is stable.
// Prints a Markdown table and writes test-results/bench-results.json. The bench target builds dist/ first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stats } from '../../../tools/bench/per-call.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const repo = join(root, '..', '..');
const bin = join(root, 'dist', 'bin.js');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 9));
if (!existsSync(bin)) {
  console.error(`${bin} is missing: run \`npx tsc --build packages/cli/tsconfig.lib.json\` (or nx run cli:build) first`);
  process.exit(1);
}

function timeOnce(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: repo, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return ms;
}

function measure(args) {
  timeOnce(args); // warm the file-system cache
  return Array.from({ length: RUNS }, () => timeOnce(args));
}

// Interleaving would be fairer on a noisy machine, but each series is short; the floor is measured first and last.
const floorSamples = [...measure(['-e', '0'])];
const cases = [
  // Budgets are ratios to the floor (issue #5): only ratios are stable on a shared machine.
  { name: '`hpc-ha --help`', args: [bin, '--help'], maxRatio: 1.5 },
  { name: '`hpc-ha validate examples/cn-north-1.yaml`', args: [bin, 'validate', 'examples/cn-north-1.yaml'], maxRatio: 3 },
  // The offline plan is a model of the app (no synth, no aws-cdk-lib), so it is held to validate's budget.
  { name: '`hpc-ha plan -c examples/cn-north-1.yaml`', args: [bin, 'plan', '-c', 'examples/cn-north-1.yaml'], maxRatio: 3 },
];
const measured = cases.map((c) => ({ ...c, samples: measure(c.args) }));
floorSamples.push(...measure(['-e', '0']));
const floor = stats(floorSamples, 1).median;

const figures = measured.map((c) => {
  const s = stats(c.samples, 1);
  return {
    name: c.name,
    unit: 'ms',
    ...s,
    floor,
    floorName: '`node -e 0`',
    ratio: Math.round((s.median / floor) * 100) / 100,
    budget: `≤ ${c.maxRatio}× floor`,
    withinBudget: s.median <= c.maxRatio * floor,
  };
});

const rows = figures.map((f) => `| ${f.name} | ${f.median} ms | ${f.min} | ${f.max} | ${f.runs} | ${f.floor} ms (×${f.ratio}) | ${f.budget} ${f.withinBudget ? 'ok' : 'OVER'} |`);
console.log(['## cli', '', '| figure | median | min | max | runs | floor `node -e 0` | budget |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(
  join(root, 'test-results', 'bench-results.json'),
  `${JSON.stringify({ package: '@hpc-ha/cli', node: process.version, date: new Date().toISOString(), figures }, null, 2)}\n`,
);
