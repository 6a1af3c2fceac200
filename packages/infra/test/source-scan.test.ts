/** Partition-correct source: no literal global-partition ARN prefix or endpoint suffix in non-test code. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from './support/synth.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === '__fixtures__' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('src', () => {
  it('spells no "arn:aws:" and no "amazonaws.com": partition and URL suffix come from the config or CDK tokens', () => {
    const files = sources(join(PACKAGE_ROOT, 'src'));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line, where: `${relative(PACKAGE_ROOT, file)}:${i + 1}` }))
        .filter(({ line }) => line.includes('arn:aws:') || line.includes('amazonaws.com'))
        .map(({ where, line }) => `${where}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
