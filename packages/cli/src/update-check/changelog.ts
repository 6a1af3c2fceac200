/**
 * Intentional breaking changes, as CHANGELOG.md lists them since the last release: under `### Breaking changes`,
 * one bullet per change, starting with the name update-check reports (a logical ID, `Stack/LogicalId`, a construct
 * path, an export name or `cluster:Key.Path`) in backticks, and saying `Migration:` and the steps. Only those are
 * accepted between two releases; an entry without migration steps is itself an error.
 */
import { readFileSync } from 'node:fs';
import { usageError } from '../exit.js';

export interface BreakingChange {
  readonly key: string;
  readonly line: number;
  readonly text: string;
}

/**
 * The breaking changes listed above `## <sinceVersion>` (the last release's section), or above the first released
 * version heading when no version is given.
 */
export function breakingChanges(text: string, file: string, sinceVersion?: string): BreakingChange[] {
  const lines = text.split('\n');
  const out: BreakingChange[] = [];
  let inBreaking = false;
  let current: { key: string; line: number; text: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.text.join(' ');
    if (!/Migration:\s*\S/i.test(body)) {
      throw usageError(`${file}:${current.line}: the breaking change \`${current.key}\` has no migration steps`, 'add "Migration: <what a user does before or after upgrading>" to the entry');
    }
    out.push({ key: current.key, line: current.line, text: body });
    current = undefined;
  };
  for (const [i, line] of lines.entries()) {
    const heading = /^(#{2,3})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const title = heading[2]!.trim();
      if (heading[1] === '##' && (sinceVersion ? title.replace(/^\[/, '').startsWith(sinceVersion) : /^\[?\d+\.\d+\.\d+/.test(title))) break;
      inBreaking = heading[1] === '###' && /^breaking changes?$/i.test(title);
      continue;
    }
    if (!inBreaking) continue;
    const bullet = /^[-*]\s+(.*)$/.exec(line);
    if (bullet) {
      flush();
      const key = /`([^`]+)`/.exec(bullet[1]!)?.[1];
      if (!key) throw usageError(`${file}:${i + 1}: a breaking change must start with what it changes in backticks (a logical ID, construct path or export)`);
      current = { key, line: i + 1, text: [bullet[1]!] };
    } else if (current && /^\s+\S/.test(line)) {
      current.text.push(line.trim());
    }
  }
  flush();
  return out;
}

export function readBreakingChanges(file: string, sinceVersion?: string): BreakingChange[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw usageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return breakingChanges(text, file, sinceVersion);
}
