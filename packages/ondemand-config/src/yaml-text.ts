import { Document, Scalar, isScalar, visit } from 'yaml';
import { OOD_BOOT_VALUES } from './boot-values.js';

const MARKERS = new Set<string>(Object.values(OOD_BOOT_VALUES));

/**
 * YAML text for a plain object, the same bytes for the same input: keys in the order given, no line folding, and
 * every boot-value marker double-quoted so the node can replace `"@MARKER@"` with a JSON string.
 */
export function toYamlText(value: unknown, header: string): string {
  const doc = new Document(value, { keepUndefined: false });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && MARKERS.has(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const body = doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
  const comments = header
    .split('\n')
    .map((l) => (l ? `# ${l}` : '#'))
    .join('\n');
  return `${comments}\n---\n${body}`;
}
