import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mungeKeyProblem, newMungeKey } from './key.js';

describe('munge key values', () => {
  it('a new key is canonical base64 of 1024 bytes, different each time', () => {
    const a = newMungeKey();
    expect(a).toHaveLength(1368);
    expect(Buffer.from(a, 'base64').toString('base64')).toBe(a);
    expect(mungeKeyProblem(a)).toBeUndefined();
    expect(newMungeKey()).not.toBe(a);
  });

  it('accepts what munge and ParallelCluster accept: base64 of 32..1024 bytes, line-wrapped too', () => {
    expect(mungeKeyProblem(randomBytes(32).toString('base64'))).toBeUndefined();
    const wrapped = randomBytes(512).toString('base64').replace(/.{76}/g, '$&\n');
    expect(mungeKeyProblem(`${wrapped}\n`)).toBeUndefined();
  });

  it('describes what is wrong without quoting the value', () => {
    expect(mungeKeyProblem(undefined)).toBe('the current version has no SecretString');
    expect(mungeKeyProblem('')).toBe('the value is empty');
    expect(mungeKeyProblem('{"password":"Hunter-2"}')).toBe('the value (23 characters) is not base64');
    expect(mungeKeyProblem(randomBytes(31).toString('base64'))).toBe('the value decodes to 31 bytes; munge needs 32 to 1024');
    expect(mungeKeyProblem(randomBytes(1025).toString('base64'))).toBe('the value decodes to 1025 bytes; munge needs 32 to 1024');
    expect(mungeKeyProblem('QUJD=')).toBe('the value (5 characters) is not base64');
  });
});
