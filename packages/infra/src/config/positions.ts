import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { PathSegment } from './paths.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

function startOf(node: Node | null | undefined, lc: LineCounter): Position | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

// Each mapping's pairs by key, built once per mapping: finding each of n problems in a mapping of n keys by a
// linear search would be quadratic (a file of many unknown keys took minutes).
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const p of map.items as Pair[]) {
      const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
      if (!index.has(k)) index.set(k, p);
    }
    pairIndex.set(map, index);
  }
  return index.get(key);
}

/**
 * Where `path` is written in the YAML source: the value's position, or the key's when `at` is `'key'` or the value is
 * empty; for a path that is not in the file (a missing key), the position of the deepest part that is.
 */
export function locate(doc: Document, lc: LineCounter, path: readonly PathSegment[], at: 'value' | 'key' = 'value'): Position {
  const fallback: Position = { line: 1, column: 1 };
  let node: unknown = doc.contents;
  let best = startOf(doc.contents as Node | null, lc) ?? fallback;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = pairOf(node as YAMLMap, String(seg));
      if (!pair) return best;
      const keyPos = startOf(pair.key as Node, lc);
      const valuePos = startOf(pair.value as Node | null, lc);
      if (last) return (at === 'key' ? keyPos : (valuePos ?? keyPos)) ?? best;
      best = valuePos ?? keyPos ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return best;
      best = startOf(item, lc) ?? best;
      if (last) return best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
