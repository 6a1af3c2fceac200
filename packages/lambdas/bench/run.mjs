// Benchmarks (never a test, never a failure): each Lambda bundle's size and cold import() time (every
// handler in HANDLER_NAMES), self-signed certificate generation time per key type, and munge key
// generation time. Prints a Markdown table and writes
// test-results/bench-results.json. Needs `nx run lambdas:build` first (the bench target depends on it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as shared from '../../../tools/bench/per-call.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 7;
const BUDGET_BYTES = 1024 * 1024;
const BUDGET_IMPORT_MS = 150;

/** Figures in ms and µs, to one decimal. */
const stats = (samples) => shared.stats(samples, 1);
const round = (n) => shared.round(n, 1);

/** Time of `await import(url)` in a fresh node process (what a Lambda cold start pays for our code). */
function coldImportMs(url) {
  const script = 'const t0 = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t0));';
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script, url], {
    cwd: root,
    encoding: 'utf8',
    // Region only, so SDK clients can be constructed as they are in Lambda.
    env: { ...process.env, AWS_REGION: 'cn-north-1' },
  });
  if (result.status !== 0) throw new Error(`import of ${url} failed:\n${result.stderr}`);
  return Number(result.stdout);
}

const library = join(root, 'out-tsc', 'lib');
const generator = join(library, 'cert', 'generate.js');
const names = join(library, 'bundles.js');
if (!existsSync(generator) || !existsSync(names)) {
  console.error('bench: build first (npx nx run lambdas:build); missing: out-tsc/lib');
  process.exit(1);
}
// Every handler the package ships (HANDLER_NAMES), so a new bundle is measured without editing this list.
const { HANDLER_NAMES: HANDLERS } = await import(pathToFileURL(names).href);
const missing = HANDLERS.filter((name) => !existsSync(join(root, 'dist', name, 'index.mjs')));
if (missing.length > 0) {
  console.error(`bench: build first (npx nx run lambdas:build); missing: ${missing.map((n) => `dist/${n}`).join(', ')}`);
  process.exit(1);
}

const figures = [];
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

// Floor: importing an empty module in a fresh process, measured in the same run.
const empty = join(resultsDir, 'bench-empty.mjs');
writeFileSync(empty, 'export {};\n');
const floor = stats(Array.from({ length: RUNS }, () => coldImportMs(pathToFileURL(empty).href)));
figures.push({ name: 'cold import() of an empty module (floor)', unit: 'ms', ...floor });

for (const name of HANDLERS) {
  const file = join(root, 'dist', name, 'index.mjs');
  const bytes = statSync(file).size;
  figures.push({ name: `${name} bundle size`, unit: 'bytes', median: bytes, min: bytes, max: bytes, runs: 1, budget: '≤ 1 MiB', withinBudget: bytes <= BUDGET_BYTES });
  const s = stats(Array.from({ length: RUNS }, () => coldImportMs(pathToFileURL(file).href)));
  figures.push({
    name: `${name} cold import()`,
    unit: 'ms',
    ...s,
    floor: floor.median,
    ratio: round(s.median / floor.median),
    budget: `≤ ${BUDGET_IMPORT_MS} ms`,
    withinBudget: s.median <= BUDGET_IMPORT_MS,
  });
}

const { generateSelfSigned } = await import(pathToFileURL(generator).href);
for (const keyAlgorithm of ['EC_prime256v1', 'RSA_2048']) {
  const once = () => {
    const t0 = performance.now();
    return generateSelfSigned({ dnsName: 'hpc-alb-1.cn-north-1.elb.amazonaws.com.cn', keyAlgorithm, validityDays: 397 }).then(
      () => performance.now() - t0,
    );
  };
  await once(); // warm-up: first use loads the crypto provider
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once());
  figures.push({ name: `certificate generation ${keyAlgorithm}`, unit: 'ms', ...stats(samples) });
}

// The munge key: 1024 random bytes to base64, what the munge-key handler does once per Create.
const { newMungeKey } = await import(pathToFileURL(join(library, 'munge-key', 'key.js')).href);
{
  newMungeKey();
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    newMungeKey();
    samples.push((performance.now() - t0) * 1000);
  }
  figures.push({ name: 'munge key generation (1024 bytes, base64)', unit: 'µs', ...stats(samples) });
}

const rows = figures.map((f) => {
  const budget = f.budget === undefined ? '' : `${f.budget} ${f.withinBudget ? 'ok' : 'OVER'}`;
  const vsFloor = f.ratio === undefined ? '' : `${f.floor} ms (x${f.ratio})`;
  return `| ${f.name} | ${f.median} ${f.unit} | ${f.min} | ${f.max} | ${f.runs} | ${vsFloor} | ${budget} |`;
});
console.log(['## lambdas', '', '| figure | median | min | max | runs | floor | budget |', '|---|---|---|---|---|---|---|', ...rows].join('\n'));
writeFileSync(
  join(resultsDir, 'bench-results.json'),
  `${JSON.stringify({ package: '@hpc-ha/lambdas', node: process.version, date: new Date().toISOString(), figures }, null, 2)}\n`,
);
