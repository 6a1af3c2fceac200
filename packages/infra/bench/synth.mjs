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
const budget = 2.5;

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
const results = [
  { name: 'infra: full synth of examples/cn-north-1.yaml (node dist/main.js)', unit: 'ms', runs, ...f, floor: b.median, floorName: 'bare aws-cdk-lib new App().synth()', ratio, budget: `≤ ${budget}× floor`, withinBudget: ratio <= budget },
  { name: 'infra: the same synth without aws-cdk-lib\'s CloudFormation validator (CDK_VALIDATION=false)', unit: 'ms', runs, ...u, floor: b.median, floorName: 'bare aws-cdk-lib new App().synth()', ratio: u.median / b.median },
  { name: 'infra: bare aws-cdk-lib new App().synth() (floor)', unit: 'ms', runs, ...b },
];
const round = (x) => (x === undefined ? '' : x.toFixed(0));
console.log('| figure | median | min | max | floor | ratio | budget |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const over = r.withinBudget === false ? ' (over budget)' : '';
  console.log(`| ${r.name} | ${round(r.median)} ms | ${round(r.min)} | ${round(r.max)} | ${round(r.floor)} | ${r.ratio ? r.ratio.toFixed(2) + '×' + over : ''} | ${r.budget ?? ''} |`);
}
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results', 'bench-results.json'), `${JSON.stringify({ package: '@hpc-ha/infra', results }, null, 2)}\n`);
