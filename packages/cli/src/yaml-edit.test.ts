import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { setYamlValue } from './yaml-edit.js';

const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:efadminPassword-Xy12Zw';

describe('setYamlValue', () => {
  it('replaces only the value, keeping the trailing comment and every other byte', () => {
    const text = '# top\nportal:\n  # the secret\n  adminPasswordSecretArn: old   # keep me\n  instanceType: m5.xlarge\n';
    expect(setYamlValue(text, ['portal', 'adminPasswordSecretArn'], ARN)).toBe(
      `# top\nportal:\n  # the secret\n  adminPasswordSecretArn: ${ARN}   # keep me\n  instanceType: m5.xlarge\n`,
    );
  });

  it('replaces a quoted value including its quotes', () => {
    const text = 'portal:\n  adminPasswordSecretArn: "old value"\n';
    expect(setYamlValue(text, ['portal', 'adminPasswordSecretArn'], ARN)).toBe(`portal:\n  adminPasswordSecretArn: ${ARN}\n`);
  });

  it('quotes a value YAML would read differently', () => {
    const out = setYamlValue('a:\n  b: x\n', ['a', 'b'], 'yes: no #1');
    expect(parse(out)).toEqual({ a: { b: 'yes: no #1' } });
  });

  it('adds a missing key and keeps the comments', () => {
    const text = '# header comment\nname: lab # inline\nportal:\n  # about the type\n  instanceType: m5.xlarge\n';
    const out = setYamlValue(text, ['portal', 'adminPasswordSecretArn'], ARN);
    expect(parse(out)).toEqual({ name: 'lab', portal: { instanceType: 'm5.xlarge', adminPasswordSecretArn: ARN } });
    for (const c of ['# header comment', '# inline', '# about the type']) expect(out).toContain(c);
  });

  it('refuses to overwrite a mapping or invalid YAML', () => {
    expect(() => setYamlValue('portal:\n  adminPasswordSecretArn:\n    a: 1\n', ['portal', 'adminPasswordSecretArn'], ARN)).toThrow('is not a single value');
    expect(() => setYamlValue('portal: [\n', ['portal', 'x'], ARN)).toThrow('not valid YAML');
  });
});
