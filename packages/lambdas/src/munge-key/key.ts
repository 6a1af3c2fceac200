import { randomBytes } from 'node:crypto';
import { MUNGE_KEY_ACCEPTED_BYTES, MUNGE_KEY_BYTES } from '../properties.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A fresh key as the secret stores it: base64 of {@link MUNGE_KEY_BYTES} random bytes. */
export function newMungeKey(): string {
  const key = randomBytes(MUNGE_KEY_BYTES);
  try {
    return key.toString('base64');
  } finally {
    // The string cannot be wiped, but the raw bytes need not outlive this call.
    key.fill(0);
  }
}

/**
 * Why a secret value is not a usable munge key, or undefined when it is one: base64 (line breaks allowed, as
 * `base64 -d` on the nodes allows them) of 32 to 1024 bytes. The answer describes the value, never quotes it.
 */
export function mungeKeyProblem(value: string | undefined): string | undefined {
  if (value === undefined) return 'the current version has no SecretString';
  const text = value.replace(/\r?\n/g, '');
  if (text === '') return 'the value is empty';
  if (!BASE64.test(text)) return `the value (${value.length} characters) is not base64`;
  const bytes = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  const { min, max } = MUNGE_KEY_ACCEPTED_BYTES;
  if (bytes < min || bytes > max) return `the value decodes to ${bytes} bytes; munge needs ${min} to ${max}`;
  return undefined;
}
