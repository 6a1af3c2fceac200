// Benchmark (not a test): a full synth of the default config (node dist/main.js, as `cdk synth` runs it) against
// a bare aws-cdk-lib `new App().synth()`, each in a fresh node process, measured alternately in the same run.
// Prints a Markdown table and writes test-results/bench-results.json. Never fails on slowness.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stats } from '../../../tools/bench/per-call.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 5);
// Deploy time is what users wait for (see the waves rows); most of a full synth is aws-cdk-lib's own template
// validator, so the budget guards the synth without it against regressions (it was 5.1× when the budget was set).
const budget = 6;

function timed(args, env = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'hpc-ha-bench-'));
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env, CDK_OUTDIR: outdir } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`${args.join(' ')} failed:\n${run.stderr}`);
  return ms;
}

const bare = ['--input-type=module', '-e', "import { App } from 'aws-cdk-lib'; new App({ outdir: process.env.CDK_OUTDIR }).synth();"];
const full = ['dist/main.js'];
// aws-cdk-lib 2.276 validates every template with its bundled CloudFormation rules (a WASM engine) unless
// CDK_VALIDATION=false; the third series shows how much of the synth is that validator rather than this app.
const samples = { full: [], bare: [], unvalidated: [] };
for (let i = 0; i < runs; i++) {
  samples.bare.push(timed(bare));
  samples.full.push(timed(full));
  samples.unvalidated.push(timed(full, { CDK_VALIDATION: 'false' }));
}

const f = stats(samples.full);
const b = stats(samples.bare);
const u = stats(samples.unvalidated);
const ratio = f.median / b.median;
const unvalidatedRatio = u.median / b.median;
const results = [
  { name: 'infra: full synth of examples/cn-north-1.yaml (node dist/main.js), information', unit: 'ms', runs, ...f, floor: b.median, floorName: 'bare aws-cdk-lib new App().synth()', ratio },
  { name: 'infra: the same synth without aws-cdk-lib\'s CloudFormation validator (CDK_VALIDATION=false)', unit: 'ms', runs, ...u, floor: b.median, floorName: 'bare aws-cdk-lib new App().synth()', ratio: unvalidatedRatio, budget: `≤ ${budget}× floor`, withinBudget: unvalidatedRatio <= budget },
  { name: 'infra: bare aws-cdk-lib new App().synth() (floor)', unit: 'ms', runs, ...b },
];
// Deploy waves and the modelled critical path of the default config (the model a test holds to the real app).
const { deployTiming, loadDeploymentConfig } = await import('../dist/config/index.js');
const timing = deployTiming(loadDeploymentConfig(join(root, '..', '..', 'examples', 'cn-north-1.yaml')));
const pathRatio = timing.criticalPathMinutes / timing.serialMinutes;
results.push(
  // Before: 3 waves after the VPC in the graph, and `cdk deploy --all` without --concurrency ran all 7 one at a time.
  { name: 'infra: deploy waves of examples/cn-north-1.yaml (before: 7 stacks one at a time; 4 waves in the graph)', unit: 'waves', runs: 1, median: timing.waves.length, min: timing.waves.length, max: timing.waves.length, budget: '≤ 3 (2 after the VPC)', withinBudget: timing.waves.length <= 3 },
  { name: 'infra: modelled critical path vs the same stacks one at a time (minutes)', unit: 'min', runs: 1, median: timing.criticalPathMinutes, min: timing.criticalPathMinutes, max: timing.criticalPathMinutes, floor: timing.serialMinutes, floorName: 'serial deploy', ratio: pathRatio, budget: '≤ 0.6× serial', withinBudget: pathRatio <= 0.6 },
);
const round = (x) => (x === undefined ? '' : x.toFixed(0));
console.log('| figure | median | min | max | floor | ratio | budget |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const over = r.withinBudget === false ? ' (over budget)' : '';
    console.log(`| ${r.name} | ${round(r.median)} ${r.unit} | ${round(r.min)} | ${round(r.max)} | ${round(r.floor)} | ${r.ratio ? r.ratio.toFixed(2) + '×' + over : ''} | ${r.budget ?? ''} |`);
}
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results', 'bench-results.json'), `${JSON.stringify({ package: '@hpc-ha/infra', results }, null, 2)}\n`);
