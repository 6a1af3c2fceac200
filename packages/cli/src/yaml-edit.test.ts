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

  it('adds a missing key as one line under its mapping, every other byte kept', () => {
    const text = '# header comment\nname: lab # inline\nportal:   # the portal\n  # about the type\n  instanceType:   m5.xlarge\n\n# tail\n';
    const out = setYamlValue(text, ['portal', 'adminPasswordSecretArn'], ARN);
    expect(out).toBe(`# header comment\nname: lab # inline\nportal:   # the portal\n  adminPasswordSecretArn: ${ARN}\n  # about the type\n  instanceType:   m5.xlarge\n\n# tail\n`);
    expect(parse(out)).toEqual({ name: 'lab', portal: { instanceType: 'm5.xlarge', adminPasswordSecretArn: ARN } });
  });

  it('keeps CRLF line ends and four-space indentation', () => {
    const text = 'name: lab\r\nportal:\r\n    instanceType: m5.xlarge\r\n';
    expect(setYamlValue(text, ['portal', 'adminPasswordSecretArn'], ARN)).toBe(`name: lab\r\nportal:\r\n    adminPasswordSecretArn: ${ARN}\r\n    instanceType: m5.xlarge\r\n`);
  });

  it('appends a missing mapping with its key at the end of the file', () => {
    expect(setYamlValue('name: lab\n# end', ['portal', 'adminPasswordSecretArn'], ARN)).toBe(`name: lab\n# end\nportal:\n  adminPasswordSecretArn: ${ARN}\n`);
  });

  it('refuses, saying what to add by hand, where one line cannot do it (a flow mapping, an empty one)', () => {
    expect(() => setYamlValue('portal: {instanceType: m5.xlarge}\n', ['portal', 'adminPasswordSecretArn'], ARN)).toThrow('cannot add portal.adminPasswordSecretArn without reformatting the file; add adminPasswordSecretArn: under portal by hand');
    expect(() => setYamlValue('portal:\nname: x\n', ['portal', 'adminPasswordSecretArn'], ARN)).toThrow('by hand');
  });

  it('refuses to overwrite a mapping or invalid YAML', () => {
    expect(() => setYamlValue('portal:\n  adminPasswordSecretArn:\n    a: 1\n', ['portal', 'adminPasswordSecretArn'], ARN)).toThrow('is not a single value');
    expect(() => setYamlValue('portal: [\n', ['portal', 'x'], ARN)).toThrow('not valid YAML');
  });
});
