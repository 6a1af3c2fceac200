import { describe, expect, it } from 'vitest';
import { checkPasswordStrength, passwordFromStdinText } from './password.js';

describe('checkPasswordStrength', () => {
  it.each(['Sup3r-secret-pw!', 'abcdefghij1#', 'Pässwörter-123'])('accepts %s', (p) => {
    expect(checkPasswordStrength(p)).toEqual([]);
  });

  it.each([
    ['Short-pw1!', 'it has 10 characters; at least 12 are needed'],
    ['no-digits-here!', 'it needs at least one digit'],
    ['123456789012#', 'it needs at least one letter'],
    ['NoSpecial12345', 'it needs at least one special character such as ! # % + - _ @'],
    ['with space-pw12', 'it must not contain spaces, tabs, line breaks or other control characters'],
    ['tab\there-pw-12', 'it must not contain spaces, tabs, line breaks or other control characters'],
  ])('rejects %j: %s', (p, reason) => {
    expect(checkPasswordStrength(p)).toContain(reason);
  });

  it('lists every reason at once', () => {
    expect(checkPasswordStrength('abc')).toHaveLength(3);
  });
});

describe('passwordFromStdinText', () => {
  it('drops one line ending (LF or CRLF) and keeps everything else', () => {
    expect(passwordFromStdinText('pw-1234567890!\n')).toBe('pw-1234567890!');
    expect(passwordFromStdinText('pw-1234567890!\r\n')).toBe('pw-1234567890!');
    expect(passwordFromStdinText(' pw ')).toBe(' pw ');
  });

  it('refuses several lines and empty input', () => {
    expect(() => passwordFromStdinText('a\nb\n')).toThrow('more than one line');
    expect(() => passwordFromStdinText('\n')).toThrow('no password on stdin');
  });
});
