// Benchmarks (never a test, never a failure): µs per call of each renderer, with JSON.stringify of the same spec
// measured in the same run as the floor. Prints a Markdown table and writes test-results/bench-results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapSql, renderEfinstallConfig, renderEfSlurmConf, renderPortalBootstrap } from '../src/index.js';
import { efinstallSpec, portalSpec, tokenSpec } from '../test/support/specs.js';
import { perCall } from '../../../tools/bench/per-call.mjs';

const RUNS = 7;
const root = fileURLToPath(new URL('..', import.meta.url));

const node1 = portalSpec();
const tokens = tokenSpec();
const slurm = {
  clusters: node1.clusters.map((c, i) => ({ id: `cluster${i + 1}`, label: c.label, conf: `/etc/hpc-ha/slurm/${c.name}/slurm.conf` })),
  binDir: '/opt/slurm/bin',
};
const efinstall = efinstallSpec();
const cases: [string, () => unknown, unknown][] = [
  ['renderPortalBootstrap (concrete values)', () => renderPortalBootstrap(node1), node1],
  ['renderPortalBootstrap (CDK tokens)', () => renderPortalBootstrap(tokens), tokens],
  ['renderEfinstallConfig', () => renderEfinstallConfig(efinstall), efinstall],
  ['renderEfSlurmConf (2 clusters)', () => renderEfSlurmConf(slurm), slurm],
  ['bootstrapSql', () => bootstrapSql({ database: 'EnginFrameDB', user: 'enginframe' }), { database: 'EnginFrameDB', user: 'enginframe' }],
];

const figures = cases.map(([name, fn, spec]) => {
  const floor = perCall(() => JSON.stringify(spec), RUNS);
  const s = perCall(fn, RUNS);
  return { name: `${name} per call`, unit: 'µs', ...s, floor: floor.median, floorName: 'JSON.stringify(spec)', ratio: Math.round((s.median / floor.median) * 10) / 10 };
});

const rows = figures.map((f) => `| ${f.name} | ${f.median} ${f.unit} | ${f.min} | ${f.max} | ${f.floor} µs (x${f.ratio}) |`);
console.log(['## enginframe-config', '', '| figure | median | min | max | floor (JSON.stringify) |', '|---|---|---|---|---|', ...rows].join('\n'));
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(
  join(root, 'test-results', 'bench-results.json'),
  `${JSON.stringify({ package: '@hpc-ha/enginframe-config', node: process.version, figures }, null, 2)}\n`,
);
