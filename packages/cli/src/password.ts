import { usageError } from './exit.js';
import type { Ui } from './ui.js';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * What is wrong with a candidate efadmin password, one reason per entry; empty when it is acceptable. The rules
 * are the seed's (letters, digits, a special character, at least 12 characters) plus: no whitespace or control
 * characters, because the portal node feeds the password to `chpasswd` as one `user:password` line.
 */
export function checkPasswordStrength(password: string): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push(`it has ${length} characters; at least ${MIN_PASSWORD_LENGTH} are needed`);
  if (!/\p{L}/u.test(password)) problems.push('it needs at least one letter');
  if (!/\p{Nd}/u.test(password)) problems.push('it needs at least one digit');
  if (!/[^\p{L}\p{Nd}\s\p{Cc}]/u.test(password)) problems.push('it needs at least one special character such as ! # % + - _ @');
  if (/[\s\p{Cc}]/u.test(password)) problems.push('it must not contain spaces, tabs, line breaks or other control characters');
  return problems;
}

/**
 * The password from stdin when it is not a terminal: the first line, its line ending removed. More than one
 * non-empty line is refused rather than guessed at.
 */
export function passwordFromStdinText(text: string): string {
  const withoutFinalNewline = text.replace(/\r?\n$/, '');
  if (/[\r\n]/.test(withoutFinalNewline)) throw usageError('stdin holds more than one line; give the password alone on one line');
  if (withoutFinalNewline === '') throw usageError('no password on stdin', 'pipe the password in, e.g. `pass show efadmin | hpc-ha secret create`, or run on a terminal to be prompted');
  return withoutFinalNewline;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks twice on a terminal (input hidden), else reads stdin once. Never takes the password from argv. */
export async function readPassword(ui: Ui): Promise<string> {
  if (!process.stdin.isTTY) return passwordFromStdinText(await readAll(process.stdin));
  const { password, isCancel } = await import('@clack/prompts');
  const first = await password({
    message: 'efadmin password (hidden)',
    validate: (v) => {
      const problems = checkPasswordStrength(v ?? '');
      return problems.length > 0 ? problems.join('; ') : undefined;
    },
    output: process.stderr,
  });
  if (isCancel(first)) throw usageError('cancelled');
  const second = await password({ message: 'the same password again', output: process.stderr });
  if (isCancel(second)) throw usageError('cancelled');
  if (first !== second) throw usageError('the two passwords differ; nothing was created');
  ui.info('');
  return first;
}
