import { splitDeployTime } from './deploy-time.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `value` inside double quotes for bash/sh: `\`, `"`, `$` and backquote are backslash-escaped, so the
 * shell reads back exactly `value`. Deploy-time values (CDK tokens, `<Placeholders>`) are left intact:
 * CloudFormation substitutes them before any shell sees the text, and they resolve to ids, ARNs and
 * endpoints, which contain none of the escaped characters.
 */
export function shellDoubleQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell value cannot contain a NUL character');
  const body = splitDeployTime(value)
    .map((s) => (s.deployTime ? s.text : s.text.replace(/[\\"$`]/g, '\\$&')))
    .join('');
  return `"${body}"`;
}

/** `value` inside single quotes (no expansion of anything); for text without deploy-time values. */
export function shellSingleQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell value cannot contain a NUL character');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export interface ShellAssignmentOptions {
  /** Prefix each line with `readonly ` (for a script's own constants). */
  readonly?: boolean;
}

/** An assignment, or a comment line. */
export type ShellLine = readonly [name: string, value: string] | { comment: string };

/**
 * `NAME="value"` lines, one per entry in order, as EnginFrame's shell-style configuration files
 * (`enginframe.conf`, `ef.slurm.conf`) and `cluster.env` use them; safe to `source`.
 */
export function toShellAssignments(
  entries: Iterable<ShellLine> | Readonly<Record<string, string>>,
  options: ShellAssignmentOptions = {},
): string {
  const list: Iterable<ShellLine> =
    Symbol.iterator in entries ? (entries as Iterable<ShellLine>) : Object.entries(entries as Record<string, string>);
  const lines: string[] = [];
  for (const entry of list) {
    if (!Array.isArray(entry)) {
      for (const line of (entry as { comment: string }).comment.split('\n')) lines.push(line ? `# ${line}` : '#');
      continue;
    }
    const [name, value] = entry as readonly [string, string];
    if (!NAME.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
    lines.push(`${options.readonly ? 'readonly ' : ''}${name}=${shellDoubleQuote(value)}`);
  }
  return `${lines.join('\n')}\n`;
}
