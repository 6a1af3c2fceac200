/** What `stats` and `perCall` return; `runs` is the number of samples. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function round(n: number, decimals: number): number;
export function stats(samples: readonly number[], decimals?: number): Stats;
export function perCall(fn: () => unknown, runs: number): Stats;
