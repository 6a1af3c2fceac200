import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { firstInvalidUtf8, MAX_CONFIG_BYTES, MAX_REPORTED_ISSUES } from './input.js';
import { loadDeploymentConfig, parseDeploymentConfig } from './load.js';

const EXAMPLE = readFileSync(new URL('../../../../examples/cn-north-1.yaml', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'hpc-ha-config-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(load: () => unknown): ConfigError {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** `n` distinct four-character keys (a letter, then three letters or digits), in one flow mapping. */
function flowKeys(n: number): string[] {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const chars = `${letters}0123456789`;
  const keys: string[] = [];
  for (let i = 0; keys.length < n; i++) {
    let rest = i;
    let key = '';
    for (let j = 0; j < 3; j++) {
      key += chars[rest % 62];
      rest = Math.floor(rest / 62);
    }
    keys.push(letters[rest % 52]! + key);
  }
  return keys;
}

const withTags = (tags: string) => EXAMPLE.replace(/^tags:\n( {2}.*\n)+/m, `tags: ${tags}\n`);
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('the loader refuses what is not a config, in one line', () => {
  it('a file over 1 MiB: one issue naming the file and its size, without parsing it', () => {
    const file = join(dir, 'big.yaml');
    writeFileSync(file, `${EXAMPLE}\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const e = problems(() => loadDeploymentConfig(file));
    expect(e.issues).toHaveLength(1);
    expect(e.message).toBe(`1 problem in ${file}:\n${file} the file is 1.0 MiB; a config is at most 1 MiB, so this is not one (check the path)`);
  });

  it('text over 1 MiB handed to parseDeploymentConfig is refused the same way', () => {
    const e = problems(() => parseDeploymentConfig(`${EXAMPLE}#${'é'.repeat(MAX_CONFIG_BYTES / 2)}`, 'big.yaml'));
    expect(e.issues.map((i) => i.message)).toEqual(['the file is 1.0 MiB; a config is at most 1 MiB, so this is not one (check the path)']);
  });

  it('bytes that are not UTF-8: one issue at the line and column of the first bad byte', () => {
    const file = join(dir, 'latin1.yaml');
    const text = EXAMPLE.replace('project: hpc-ha', 'project: caf\u00e9');
    writeFileSync(file, Buffer.from(text, 'latin1'));
    const e = problems(() => loadDeploymentConfig(file));
    const line = lineOf(text, 'project: caf');
    expect(e.issues).toEqual([
      { file, line, column: '  project: caf'.length + 1, path: '', severity: 'error', message: expect.stringMatching(/^the file is not UTF-8 text \(byte 0xe9 at offset \d+\); save it as UTF-8$/) },
    ]);
  });

  it('a binary file is one line, not its bytes', () => {
    const file = join(dir, 'binary.yaml');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x00, 0x00]));
    const e = problems(() => loadDeploymentConfig(file));
    expect(e.message.split('\n')).toHaveLength(2);
    expect(e.issues[0]!.message).toContain('byte 0xff at offset 8');
  });

  it('UTF-8 with a byte-order mark and non-ASCII text loads', () => {
    const file = join(dir, 'bom.yaml');
    writeFileSync(file, `\ufeff${EXAMPLE.replace('project: hpc-ha', 'project: "计算平台"')}`);
    expect(loadDeploymentConfig(file).tags['project']).toBe('计算平台');
  });

  it.each([
    ['overlong', [0xc0, 0x80]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['truncated', [0xe4, 0xb8]],
  ])('firstInvalidUtf8 finds a %s sequence, as TextDecoder does', (_, bytes) => {
    const data = Uint8Array.from([0x61, ...bytes]);
    expect(firstInvalidUtf8(data)).toBe(1);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(data)).toThrow();
  });
});

describe('hostile YAML costs milliseconds and one located line', () => {
  it('200 000 keys in one mapping: the duplicate is found in one pass (yaml uniqueKeys took minutes)', () => {
    const keys = flowKeys(200_000);
    const text = withTags(`{${[...keys, keys[0]].join(',')}}`);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_CONFIG_BYTES);
    const started = performance.now();
    const e = problems(() => parseDeploymentConfig(text, 'many.yaml'));
    const ms = performance.now() - started;
    const line = lineOf(text, 'tags: {');
    expect(e.issues).toEqual([
      { file: 'many.yaml', line, column: text.split('\n')[line - 1]!.lastIndexOf(',') + 2, path: '', severity: 'error', message: `YAML syntax: Map keys must be unique: "${keys[0]}" is already on line ${line}, column 8` },
    ]);
    expect(ms).toBeLessThan(15_000);
  }, 60_000);

  it('a duplicate key in block style is reported at its second occurrence, with the first', () => {
    const text = EXAMPLE.replace('  rootVolumeGiB: 50\n', '  rootVolumeGiB: 50\n  rootVolumeGiB: 60\n');
    const e = problems(() => parseDeploymentConfig(text, 'dup.yaml'));
    const first = lineOf(text, 'rootVolumeGiB: 50');
    expect(e.issues.map((i) => [i.line, i.column, i.message])).toEqual([[first + 1, 3, `YAML syntax: Map keys must be unique: "rootVolumeGiB" is already on line ${first}, column 3`]]);
  });

  it('an alias bomb is refused by yaml maxAliasCount, at the line of the alias that passes the limit', () => {
    const bomb = ['lol: &a [x, x, x, x, x, x, x, x, x]', 'l2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'l3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'l4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]'];
    const text = `${EXAMPLE}${bomb.join('\n')}\n`;
    const e = problems(() => parseDeploymentConfig(text, 'bomb.yaml'));
    expect(e.issues).toHaveLength(1);
    // yaml's count: l2 makes 10 uses of a 1-node anchor, l3 10 uses of a 10-node one (100, the limit), and the
    // first alias of l4 is the 2nd use of a 100-node anchor.
    expect(e.issues[0]).toMatchObject({ file: 'bomb.yaml', line: lineOf(text, 'l4: &d'), column: 'l4: &d ['.length + 1 });
    expect(e.issues[0]!.message).toBe('YAML aliases expand to too many values (more than 100): a config does not need this; write the values out');
    // One level less stays within yaml's limit: the file is then merely wrong (unknown keys), not refused as a bomb.
    const within = problems(() => parseDeploymentConfig(`${EXAMPLE}${bomb.slice(0, 3).join('\n')}\n`, 'three.yaml'));
    expect(within.issues.map((i) => i.message)).toEqual(['unknown key "lol"', 'unknown key "l2"', 'unknown key "l3"']);
  });

  it('a few ordinary aliases still load', () => {
    const text = EXAMPLE.replace('allowedCidrs: [10.0.0.0/8]', 'allowedCidrs: &office [10.0.0.0/8]');
    expect(() => parseDeploymentConfig(text, 'ok.yaml')).not.toThrow();
  });

  it('flow values nested 500 000 deep are refused before yaml recurses into them', () => {
    const text = `${EXAMPLE}deep: ${'['.repeat(500_000)}${']'.repeat(500_000)}\n`;
    const started = performance.now();
    const e = problems(() => parseDeploymentConfig(text, 'deep.yaml'));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(e.issues).toEqual([{ file: 'deep.yaml', line: lineOf(text, 'deep:'), column: 6 + 65, path: '', severity: 'error', message: 'values nested more than 64 levels deep; a config needs a handful' }]);
  });

  it('brackets inside quoted text and comments do not count as nesting', () => {
    const text = EXAMPLE.replace('project: hpc-ha', `project: "${'['.repeat(100)}"  # ${'{'.repeat(100)}`);
    expect(parseDeploymentConfig(text, 'quoted.yaml').tags['project']).toBe('['.repeat(100));
  });

  it('100 000 unknown keys: the first 100 problems in file order and a count of the rest', () => {
    const text = `${EXAMPLE}${Array.from({ length: 100_000 }, (_, i) => `k${i}: v`).join('\n')}\n`;
    const started = performance.now();
    const e = problems(() => parseDeploymentConfig(text, 'unknown.yaml'));
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(e.issues).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(e.issues[0]).toMatchObject({ line: lineOf(text, 'k0: v'), path: 'k0', message: 'unknown key "k0"' });
    expect(e.issues.at(-1)!.message).toBe('… and 99900 more problems, not listed');
  }, 60_000);
});
