// Timing helpers shared by the package benchmarks (packages/*/bench). Plain ESM with JSDoc so that both the .mjs
// benches (run by node) and the .ts benches (run by node --import tsx) import the same file; per-call.d.mts gives
// TypeScript its types.
import { performance } from 'node:perf_hooks';

/**
 * `n` rounded to `decimals` places.
 * @param {number} n
 * @param {number} decimals
 */
export function round(n, decimals) {
  const scale = 10 ** decimals;
  return Math.round(n * scale) / scale;
}

/**
 * Median (mean of the middle two for an even count), min and max of `samples`, and how many there were; rounded to
 * `decimals` places when given.
 * @param {readonly number[]} samples
 * @param {number} [decimals]
 * @returns {{ median: number, min: number, max: number, runs: number }}
 */
export function stats(samples, decimals) {
  if (samples.length === 0) throw new Error('stats: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const r = decimals === undefined ? (n) => n : (n) => round(n, decimals);
  return { median: r(median), min: r(sorted[0]), max: r(sorted[sorted.length - 1]), runs: sorted.length };
}

/**
 * µs per call of `fn`: `runs` samples, each the mean over a batch long enough (~50 ms) to dwarf the timer's
 * resolution, summarised by `stats` to 2 decimals.
 * @param {() => unknown} fn
 * @param {number} runs
 */
export function perCall(fn, runs) {
  let batch = 1;
  for (let t = 0; t < 50; batch *= 2) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    t = performance.now() - t0;
  }
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - t0) * 1000) / batch);
  }
  return stats(samples, 2);
}
