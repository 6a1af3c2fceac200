// Collects every package's benchmark results, adds the workspace-level figures (cached build+test time, affected
// sets), and prints one Markdown table; writes bench/results.json. Figures are compared with a floor measured in
// the same run, because on a shared 2-core machine only ratios are stable. Never fails on a slow figure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

function timeCommand(cmd, args) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return (performance.now() - t0) / 1000;
}

/** Package figures: whatever each `bench` target wrote, in either of the two places the packages use. */
function packageFigures() {
  const figures = [];
  for (const pkg of readdirSync(packagesDir)) {
    for (const candidate of ['test-results/bench-results.json', 'bench-results.json']) {
      const file = join(packagesDir, pkg, candidate);
      if (!existsSync(file)) continue;
      const data = JSON.parse(readFileSync(file, 'utf8'));
      const list = Array.isArray(data) ? data : (data.figures ?? data.results ?? []);
      for (const f of list) figures.push({ package: pkg, ...f });
      break;
    }
  }
  return figures;
}

function workspaceFigures() {
  const nx = join(root, 'node_modules', '.bin', 'nx');
  // Warm the cache once, then measure runs in which every task is a cache hit.
  timeCommand(nx, ['run-many', '-t', 'build', 'test', '--outputStyle=static']);
  const samples = Array.from({ length: RUNS }, () => timeCommand(nx, ['run-many', '-t', 'build', 'test', '--outputStyle=static']));
  const s = stats(samples);
  const figures = [
    {
      package: '(workspace)',
      name: 'no-change `nx run-many -t build test` (all cache hits)',
      unit: 's',
      ...s,
      budget: '≤ 5 s',
      withinBudget: s.median <= 5,
    },
  ];
  for (const pkg of readdirSync(packagesDir)) {
    const out = execFileSync(nx, ['show', 'projects', '--affected', `--files=packages/${pkg}/src/index.ts`], { cwd: root, env, encoding: 'utf8' });
    const projects = out.split('\n').map((l) => l.trim()).filter(Boolean).sort();
    figures.push({ package: '(workspace)', name: `projects affected by an edit to ${pkg}`, unit: 'projects', value: projects.join(', '), median: projects.length });
  }
  return figures;
}

function fmt(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return n ?? '';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

const figures = [...packageFigures(), ...(process.env.BENCH_SKIP_WORKSPACE ? [] : workspaceFigures())];
mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ runs: RUNS, node: process.version, figures }, null, 2)}\n`);

const rows = figures.map((f) => {
  const over = f.withinBudget === false ? ' **over budget**' : '';
  const value = f.value !== undefined ? f.value : `${fmt(f.median)} ${f.unit ?? ''}`.trim();
  return `| ${f.package} | ${f.name} | ${value} | ${fmt(f.min)} | ${fmt(f.max)} | ${f.floor !== undefined ? `${fmt(f.floor)}${f.floorName ? ` (${f.floorName})` : ''}` : ''} | ${f.ratio !== undefined ? `${fmt(f.ratio)}×` : ''} | ${f.budget ?? ''}${over} |`;
});
const table = ['| package | figure | median | min | max | floor | ratio | budget |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
writeFileSync(join(root, 'bench', 'results.md'), `${table}\n`);
console.log(table);
