import { isMap, isPair, isScalar, parseDocument, type Document, type Pair, type YAMLMap } from 'yaml';
import { usageError } from './exit.js';

/**
 * Sets one scalar in a YAML text and returns the new text with every comment, blank line and other value kept
 * byte for byte. When the key exists only the value's characters change; when it is missing one line is inserted
 * (at the top of its block mapping, indented like its siblings), or, when its mapping is missing too, the
 * mapping and the key are appended at the end of the file.
 */
export function setYamlValue(text: string, path: readonly string[], value: string, file = 'the config'): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) throw usageError(`${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw usageError(`${file} must be a mapping of keys`);
  const node = doc.getIn(path, true);
  const rendered = plainOrQuoted(value);
  if (isScalar(node) && node.range) {
    const [start, valueEnd] = node.range;
    return text.slice(0, start) + rendered + text.slice(valueEnd);
  }
  if (node !== undefined) throw usageError(`${file}: ${path.join('.')} is not a single value; edit it by hand`);
  for (let i = 1; i < path.length; i++) {
    const parent = doc.getIn(path.slice(0, i), true);
    const empty = parent === undefined || parent === null || (isScalar(parent) && parent.value === null);
    if (!empty && !isMap(parent)) throw usageError(`${file}: ${path.slice(0, i).join('.')} is not a mapping`);
  }
  return insertKey(text, doc, path, rendered, file);
}

function pairIn(map: YAMLMap, key: string): Pair | undefined {
  return (map.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The one-line (or, for missing mappings, few-line) insertion described in {@link setYamlValue}. */
function insertKey(text: string, doc: Document, path: readonly string[], rendered: string, file: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const byHand = () => usageError(`${file}: cannot add ${path.join('.')} without reformatting the file; add ${path.at(-1)}: under ${path.slice(0, -1).join('.') || 'the top level'} by hand`);
  // The deepest mapping on the path that exists, and the pair that holds it (undefined for the top level).
  let map = doc.contents as YAMLMap | null;
  let holder: Pair | undefined;
  let depth = 0;
  while (map && depth < path.length - 1) {
    const pair = pairIn(map, path[depth]!);
    if (!pair) break;
    if (!isMap(pair.value)) {
      if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) throw byHand();
      throw usageError(`${file}: ${path.slice(0, depth + 1).join('.')} is not a mapping`);
    }
    holder = pair;
    map = pair.value;
    depth++;
  }
  if (map && depth === path.length - 1) {
    const first = (map.items as Pair[])[0];
    const firstKey = first && isScalar(first.key) ? first.key : undefined;
    if (!firstKey?.range || map.flow) throw byHand();
    const keyStart = firstKey.range[0];
    const start = lineStart(text, keyStart);
    const indent = text.slice(start, keyStart);
    if (!/^ *$/.test(indent)) throw byHand();
    // Right under the parent's key line, so that comments written above the first child stay with it.
    let at = start;
    if (holder && isScalar(holder.key) && holder.key.range) {
      const next = text.indexOf('\n', holder.key.range[1]);
      if (next < 0 || next + 1 > keyStart) throw byHand();
      at = next + 1;
    }
    return `${text.slice(0, at)}${indent}${path.at(-1)}: ${rendered}${eol}${text.slice(at)}`;
  }
  // A missing mapping: only at the top level is appending safe (the end of the file is then the end of the root).
  if (depth !== 0) throw byHand();
  const lines = path.map((k, i) => `${'  '.repeat(i)}${k}:${i === path.length - 1 ? ` ${rendered}` : ''}`);
  const sep = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}${lines.join(eol)}${eol}`;
}

/** A plain scalar when YAML reads it back as the same string, else a double-quoted one. */
function plainOrQuoted(value: string): string {
  const plain = /^[A-Za-z0-9][A-Za-z0-9_./:@+=,-]*$/.test(value) && !/: |:$/.test(value);
  if (plain) {
    const back = parseDocument(`k: ${value}`).get('k');
    if (back === value) return value;
  }
  return JSON.stringify(value);
}
