import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseDeploymentConfig } from '../load.js';

const BASE = readFileSync(new URL('../__fixtures__/minimal.yaml', import.meta.url), 'utf8');
const FILE = 'hpc-ha.yaml';
/** Line of `tags:` in the minimal config; its one entry is on the next line. */
const TAGS_LINE = 39;

function withTags(lines: string[]): string {
  const base = BASE.split('\n');
  expect(base[TAGS_LINE - 1]).toBe('tags:');
  return [...base.slice(0, TAGS_LINE), ...lines, ...base.slice(TAGS_LINE + 1)].join('\n');
}

function issuesOf(yaml: string): ConfigError['issues'] {
  try {
    parseDeploymentConfig(yaml, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  return [];
}

describe('tags: the rule the certificate handler applies, with file:line', () => {
  // Each was accepted before and broke the deployment in ACM, EFS, FSx, RDS or the load balancer.
  it.each([
    ['&', 'R&D'],
    ['(', 'hpc (prod)'],
    [',', 'a,b'],
    ['#', '#42'],
    ["'", "o'brien"],
    ['!', 'yes!'],
  ])('a value with %j is refused at its line', (ch, value) => {
    const issues = issuesOf(withTags([`  project: ${JSON.stringify(value)}`]));
    const issue = issues.find((i) => i.path === 'tags.project');
    expect(issue?.message).toContain(`contains ${JSON.stringify(ch)}; tag keys and values may hold only letters, digits, spaces and _ . : / = + - @`);
    expect(issue?.line).toBe(TAGS_LINE + 1);
    expect(issue?.column).toBe(12);
  });

  it('a key with a refused character is reported at the key', () => {
    const issue = issuesOf(withTags(['  cost&center: x'])).find((i) => i.path === 'tags.cost&center');
    expect(issue).toMatchObject({ file: FILE, line: TAGS_LINE + 1, column: 3 });
    expect(issue?.message).toMatch(/^tag key "cost&center" contains "&"/);
  });

  it.each(['hpc-ha:owner', 'AWS:owner', 'rds:x', 'parallelcluster:queue'])('the reserved prefix of %s is refused (any letter case)', (key) => {
    const issue = issuesOf(withTags([`  ${key}: me`])).find((i) => i.path === `tags.${key}`);
    expect(issue?.message).toMatch(/uses the reserved "(hpc-ha|aws|rds|parallelcluster):" prefix/);
    expect(issue?.line).toBe(TAGS_LINE + 1);
  });

  it('more than 40 tags is refused at tags:, 40 pass', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `  t${i}: v`);
    expect(issuesOf(withTags(tags(40)))).toEqual([]);
    const issue = issuesOf(withTags(tags(41))).find((i) => i.path === 'tags');
    expect(issue).toMatchObject({ line: TAGS_LINE, column: 1 });
    expect(issue?.message).toMatch(/^41 tags; at most 40 are allowed/);
  });

  it('an empty value, a value starting aws:, keys differing only in case and over-long text are refused', () => {
    const issues = issuesOf(withTags(['  owner: ""', '  team: "aws:x"', '  Team: b', `  long: ${'x'.repeat(256)}`, `  ${'k'.repeat(128)}: v`]));
    const messages = issues.map((i) => `${i.path}@${i.line}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tags\.owner@40: tag "owner" has an empty value; CloudFormation stack tags need 1 to 255 characters$/),
        expect.stringMatching(/^tags\.team@41: tag value "aws:x" starts with "aws:"/),
        expect.stringMatching(/^tags\.Team@42: tag keys "team" and "Team" differ only in letter case/),
        expect.stringMatching(/^tags\.long@43: tag value is 256 characters; at most 255/),
        expect.stringMatching(/^tags\.k+@44: tag key is 128 characters; at most 127/),
      ]),
    );
  });

  it('letters of any script, spaces and the allowed punctuation pass', () => {
    expect(issuesOf(withTags(['  成本中心: "高性能 计算"', '  "cost center": "a_b.c:d/e=f+g-h@i"', '  Projet: Équipe 42']))).toEqual([]);
  });
});
