import { readFileSync, statSync } from 'node:fs';
import { isAlias, isCollection, isPair, isScalar, Lexer, visit, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigIssue } from './errors.js';

/**
 * The input layer of the loader: what is refused before (or while) the YAML becomes data, so that a wrong file,
 * a binary or a hostile document costs one line of output and milliseconds, never megabytes of garbage or minutes.
 */

/** A real config is a few KiB; anything over this is the wrong file (a log, an archive, a disk image). */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** yaml's own guard against alias expansion ("billion laughs"): how many nodes aliases may add in total. */
export const MAX_ALIAS_COUNT = 100;
/** Far beyond any config (its deepest flow value is a list in a map in a list); deeper input only costs time. */
export const MAX_FLOW_DEPTH = 64;

const issue = (file: string, line: number, column: number, message: string): ConfigIssue => ({ file, line, column, path: '', message, severity: 'error' });

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** One issue when `bytes` is over the limit. */
export function sizeIssue(bytes: number, file: string): ConfigIssue | undefined {
  if (bytes <= MAX_CONFIG_BYTES) return undefined;
  return issue(file, 0, 0, `the file is ${mib(bytes)}; a config is at most 1 MiB, so this is not one (check the path)`);
}

/**
 * Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing
 * above U+10FFFF), or -1. Linear; written out because TextDecoder's fatal mode says only that, not where.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The bytes as text, or one issue (with the line of the first bad byte) when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { issue: ConfigIssue } {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: new TextDecoder('utf-8').decode(bytes) };
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bad; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const hex = bytes[bad]!.toString(16).padStart(2, '0');
  return { issue: issue(file, line, bad - lineStart + 1, `the file is not UTF-8 text (byte 0x${hex} at offset ${bad}); save it as UTF-8`) };
}

/**
 * Reads a config file with the size and encoding checks: the size is taken from the file system first, so a
 * multi-gigabyte file is never read. Returns the text or one issue.
 */
export function readConfigText(path: string): { text: string } | { issue: ConfigIssue } {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return { issue: issue(path, 0, 0, 'cannot read the config: is a directory, not a file') };
    const tooBig = sizeIssue(st.size, path);
    if (tooBig) return { issue: tooBig };
    const bytes = readFileSync(path);
    // A file that grew between stat and read (or a pipe, whose size stat cannot know) is checked again.
    return sizeIssue(bytes.length, path) ? { issue: sizeIssue(bytes.length, path)! } : decodeUtf8(bytes, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    return { issue: issue(path, 0, 0, `cannot read the config: ${why}`) };
  }
}

/**
 * Flow collections nested deeper than {@link MAX_FLOW_DEPTH}: yaml parses them recursively, slowly (seconds per
 * hundred thousand levels) and then fails on the call stack. Counting brackets in the text is a cheap gate; only
 * text that passes it naively is lexed, so brackets in strings and comments are not counted.
 */
/** 1-based line and column of `offset` (before parsing, when no LineCounter has seen the text). */
function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

// yaml's Lexer marks the start of a document, a flow collection's end and a scalar with these (not in the source).
const LEXER_MARKERS = new Set(['\u0002', '\u0018', '\u001f']);

export function flowDepthIssue(text: string, file: string): ConfigIssue | undefined {
  let naive = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) max = Math.max(max, ++naive);
    else if ((c === 0x5d || c === 0x7d) && naive > 0) naive--;
  }
  if (max <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') depth++;
    else if ((token === ']' || token === '}') && depth > 0) depth--;
    if (depth > MAX_FLOW_DEPTH) {
      const pos = positionAt(text, offset);
      return issue(file, pos.line, pos.column, `values nested more than ${MAX_FLOW_DEPTH} levels deep; a config needs a handful`);
    }
    // Lexer tokens are consecutive slices of the text, apart from its own one-character markers.
    if (!LEXER_MARKERS.has(token)) offset += token.length;
  }
  return undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/**
 * Every key written twice in the same mapping, at its second occurrence, in one pass with a set per mapping (yaml's
 * own uniqueKeys check compares each key with all earlier ones: minutes for a few hundred thousand keys).
 */
export function duplicateKeyIssues(doc: Document, lc: LineCounter, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const text = keyText(pair.key);
        if (text === undefined) continue;
        const at = (pair.key as Node).range?.[0] ?? 0;
        const first = seen.get(text);
        if (first === undefined) {
          seen.set(text, at);
          continue;
        }
        const pos = lc.linePos(at);
        issues.push(issue(file, pos.line, pos.col, `YAML syntax: Map keys must be unique: ${JSON.stringify(text)} is already on line ${lc.linePos(first).line}, column ${lc.linePos(first).col}`));
      }
    },
  });
  return issues;
}

/**
 * Where yaml's maxAliasCount stops the conversion: the alias at which the expansion passes the limit. The count
 * follows yaml's own rule (an alias adds its anchor's size; each further use multiplies), replayed in document order.
 */
export function aliasBombPosition(doc: Document, lc: LineCounter): { line: number; column: number } {
  const anchors = new Map<Node, { count: number; size: number }>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const a = anchors.get(node.resolve(doc) as Node);
      return a ? a.count * a.size : 0;
    }
    if (isCollection(node)) return node.items.reduce<number>((m, item) => Math.max(m, size(item)), 0);
    if (isPair(node)) return Math.max(size(node.key), size(node.value));
    return 1;
  };
  let found: Node | undefined;
  let firstAlias: Node | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      firstAlias ??= node;
      const target = node.resolve(doc) as Node | undefined;
      const a = target && anchors.get(target);
      if (!a) return undefined;
      a.count += 1;
      if (a.size === 0) a.size = size(target);
      if (a.count * a.size > MAX_ALIAS_COUNT) {
        found = node;
        return visit.BREAK;
      }
      return undefined;
    }
    if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node, { count: 1, size: 0 });
    return undefined;
  });
  const at = (found ?? firstAlias)?.range?.[0] ?? 0;
  const pos = lc.linePos(at);
  return { line: pos.line, column: pos.col };
}

/** The message for {@link aliasBombPosition}. */
export const ALIAS_BOMB_MESSAGE = `YAML aliases expand to too many values (more than ${MAX_ALIAS_COUNT}): a config does not need this; write the values out`;

/** More problems than anyone reads: the first ones (in file order) and a count of the rest. */
export const MAX_REPORTED_ISSUES = 100;

/**
 * The first {@link MAX_REPORTED_ISSUES} issues in file order, then one line counting the rest (`omitted` adds
 * problems never turned into issues). The count line takes the last shown issue's position so it sorts last.
 */
export function capIssues(issues: readonly ConfigIssue[], omitted = 0): ConfigIssue[] {
  const sorted = [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
  const more = sorted.length - MAX_REPORTED_ISSUES + omitted;
  if (more <= 0) return sorted;
  const shown = sorted.slice(0, MAX_REPORTED_ISSUES);
  const last = shown[shown.length - 1]!;
  return [...shown, { ...last, path: '', message: `… and ${more} more problem${more === 1 ? '' : 's'}, not listed`, severity: 'error' }];
}
