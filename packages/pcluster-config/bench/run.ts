// Benchmarks (never a test, never a failure): µs per call of validateClusterConfig on a 50-queue config and of
// renderClusterConfig on an example, each next to a floor measured in the same run (on a shared machine only ratios
// are stable). Prints a Markdown table and writes test-results/bench-results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderClusterConfig, validateClusterConfig } from '../src/index.js';
import { EXAMPLES } from '../test/fixtures/example-specs.js';
import { perCall } from '../../../tools/bench/per-call.mjs';

const RUNS = 7;
const root = fileURLToPath(new URL('..', import.meta.url));

const example = EXAMPLES[0]!.specs[0];
const fiftyQueues = {
  ...example,
  queues: Array.from({ length: 50 }, (_, i) => ({
    name: `queue${i}`,
    subnetIds: [example.headNode.subnetId],
    computeResources: [{ name: 'c5', instanceType: 'c5.xlarge', minCount: 0, maxCount: 10 }],
  })),
};
const big = renderClusterConfig(fiftyQueues);
const bigText = big.yaml;
if (!validateClusterConfig(big.config).valid) throw new Error('the 50-queue benchmark config must be valid');

const cases: { name: string; fn: () => unknown; floorName: string; floor: () => unknown }[] = [
  {
    name: 'validateClusterConfig, 50-queue config (object)',
    fn: () => validateClusterConfig(big.config, { clusterName: 'hpcha-cluster1' }),
    floorName: 'JSON.parse(JSON.stringify(config))',
    floor: () => JSON.parse(JSON.stringify(big.config)),
  },
  {
    name: 'validateClusterConfig, 50-queue config (YAML text, with positions)',
    fn: () => validateClusterConfig(bigText, { clusterName: 'hpcha-cluster1' }),
    floorName: 'yaml parse of the same text',
    floor: () => parse(bigText),
  },
  {
    name: 'renderClusterConfig, cn-north-1 example cluster1',
    fn: () => renderClusterConfig(example),
    floorName: 'structuredClone(spec)',
    floor: () => structuredClone(example),
  },
];

const figures = cases.map((c) => {
  const s = perCall(c.fn, RUNS);
  const floor = perCall(c.floor, RUNS).median;
  return { name: c.name, unit: 'µs/call', ...s, floor, floorName: c.floorName, ratio: Math.round((s.median / floor) * 10) / 10 };
});

mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results', 'bench-results.json'), `${JSON.stringify({ runs: RUNS, node: process.version, figures }, null, 2)}\n`);
console.log('| figure | median | min | max | floor | ratio |');
console.log('|---|---|---|---|---|---|');
for (const f of figures) {
  console.log(`| ${f.name} | ${f.median} µs | ${f.min} | ${f.max} | ${f.floor} µs (${f.floorName}) | ${f.ratio}× |`);
}
