import { describe, expect, it } from 'vitest';
import { TAG_RULE, tagProblems } from './tag-rule.js';

const one = (key: string, value: string) => tagProblems([{ key, value }]).map((p) => `${p.part}: ${p.message}`);

describe('tagProblems', () => {
  it('accepts letters and digits of any script, spaces and _ . : / = + - @', () => {
    expect(one('成本中心 2', 'Équipe_A.b:c/d=e+f-g@h')).toEqual([]);
  });

  it.each(['&', '(', ')', ',', '#', '!', '"', "'", '*', ';', '<', '>', '?', '[', '\\', '|', '~', '$', '%', '^', '`', '{'])(
    'refuses %j in a key and in a value',
    (ch) => {
      const [problem, ...rest] = one(`a${ch}b`, 'v');
      expect(rest).toEqual([]);
      expect(problem).toContain(`key: tag key ${JSON.stringify(`a${ch}b`)} contains ${JSON.stringify(ch)};`);
      expect(one('k', `a${ch}b`)).toHaveLength(1);
    },
  );

  it('counts characters as AWS does (code points): 127 CJK characters pass, 128 do not', () => {
    expect(one('键'.repeat(TAG_RULE.maxKeyLength), 'v')).toEqual([]);
    expect(one('键'.repeat(TAG_RULE.maxKeyLength + 1), 'v')).toEqual(['key: tag key is 128 characters; at most 127 are allowed (ACM)']);
  });

  it('reserves aws:, rds:, hpc-ha: and parallelcluster: in keys, aws: and rds: in values, in any case', () => {
    for (const key of ['aws:x', 'Aws:x', 'RDS:x', 'hpc-ha:x', 'HPC-HA:x', 'ParallelCluster:x']) {
      expect(one(key, 'v')[0]).toMatch(/^key: tag key .* uses the reserved ".*" prefix/);
    }
    expect(one('k', 'AWS:x')).toEqual(['value: tag value "AWS:x" starts with "aws:", which RDS refuses in a value']);
    expect(one('awsome', 'rdsx')).toEqual([]);
  });

  it('reports duplicates and case-only differences at the later tag, and more than 40 tags once', () => {
    const problems = tagProblems([
      { key: 'Team', value: 'a' },
      { key: 'team', value: 'b' },
      { key: 'Team', value: 'c' },
    ]);
    expect(problems.map((p) => [p.index, p.message])).toEqual([
      [1, 'tag keys "Team" and "team" differ only in letter case; IAM counts them as one key'],
      [2, 'tag key "Team" is listed twice'],
    ]);
    const many = Array.from({ length: 41 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(tagProblems(many)).toEqual([{ key: undefined, index: undefined, part: 'set', message: expect.stringMatching(/^41 tags; at most 40/) }]);
    expect(tagProblems(many.slice(0, 40))).toEqual([]);
  });
});
