import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Tags } from 'yaml';
import type { ConfigIssue, PathSegment } from '../issues.js';

export interface ParsedYaml {
  data: unknown;
  doc?: Document;
  lines?: LineCounter;
  issues: ConfigIssue[];
}

/** PyYAML only reads `a:b` as a base-60 integer when the first digit is 1-9, so `01:03` stays a string there. */
const PYYAML_SEXAGESIMAL_INT = /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/;

const pyyamlTags = (tags: Tags): Tags =>
  tags.map((t) =>
    typeof t === 'object' && t.tag === 'tag:yaml.org,2002:int' && t.format === 'TIME' ? { ...t, test: PYYAML_SEXAGESIMAL_INT } : t,
  ) as Tags;

/** ParallelCluster reads its config with PyYAML, i.e. YAML 1.1 (`yes`/`no` are booleans). */
export function parseYaml(text: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: pyyamlTags,
  });
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    issues.push({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col, severity: 'error' });
  }
  if (issues.length) return { data: undefined, issues };
  return { data: doc.toJS({ maxAliasCount: 1000 }) as unknown, doc, lines, issues };
}

/** Source position of the node at `segments` (or of its key, or of the nearest existing ancestor). */
export function locate(
  doc: Document,
  lines: LineCounter,
  segments: readonly PathSegment[],
  atKey: boolean,
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as Node | null)?.range?.[0];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (last && atKey) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) break;
      offset = (node as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}
