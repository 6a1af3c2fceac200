import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from './errors.js';
import { parseDeploymentConfig } from './load.js';

const TEXT = readFileSync(new URL('../../../../examples/cn-north-1.yaml', import.meta.url), 'utf8');
const BASE = parse(TEXT) as Record<string, unknown>;

type Json = unknown;
type Path = (string | number)[];

function allPaths(node: Json, prefix: Path = []): Path[] {
  if (Array.isArray(node)) return [prefix, ...node.flatMap((v, i) => allPaths(v, [...prefix, i]))];
  if (node !== null && typeof node === 'object') {
    return [prefix, ...Object.entries(node).flatMap(([k, v]) => allPaths(v, [...prefix, k]))];
  }
  return [prefix];
}
const PATHS = allPaths(BASE).filter((p) => p.length > 0);

type Mutation = { kind: 'delete' | 'set' | 'add'; path: Path; value: Json; key: string };

function apply(root: Json, m: Mutation): Json {
  const copy = structuredClone(root) as Record<string, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const seg of m.path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = m.path[m.path.length - 1]!;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (m.kind === 'set') {
    parent[last] = m.value;
  } else {
    const target = parent[last];
    if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[m.key] = m.value;
    else parent[last] = m.value;
  }
  return copy;
}

const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer({ min: -100000, max: 100000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('m7g.large', 'c5.xlarge', 'SCRATCH_1', '0.0.0.0/0', 'arn:aws:secretsmanager:us-east-1:1:secret:x', 'default', '3.5.0', 'cn-north-1d'),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'set', 'add'),
  path: fc.constantFrom(...PATHS),
  value,
  key: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('name', 'queues', 'uri', '__proto__', 'constructor')),
});

function outcome(text: string): 'loaded' | 'refused' {
  try {
    parseDeploymentConfig(text, 'fuzz.yaml');
    return 'loaded';
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const issue of e.issues) {
      expect(issue.file).toBe('fuzz.yaml');
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.message.length).toBeGreaterThan(0);
    }
    return 'refused';
  }
}

describe('randomly mutated configs either load or are refused with a ConfigError', () => {
  it('structural mutations', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        const mutated = ms.reduce<Json>((acc, m) => {
          try {
            return apply(acc, m);
          } catch {
            return acc; // an earlier mutation removed this path
          }
        }, BASE);
        outcome(stringify(mutated));
      }),
      { numRuns: 300 },
    );
  });

  it('text mutations (truncation, inserted characters)', () => {
    fc.assert(
      fc.property(fc.nat({ max: TEXT.length }), fc.string({ maxLength: 4 }), fc.boolean(), (at, insert, truncate) => {
        outcome(truncate ? TEXT.slice(0, at) : TEXT.slice(0, at) + insert + TEXT.slice(at));
      }),
      { numRuns: 300 },
    );
  });
});
