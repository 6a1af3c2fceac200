import { isMap, isScalar, parseDocument } from 'yaml';
import { usageError } from './exit.js';

/**
 * Sets one scalar in a YAML text and returns the new text with every comment, blank line and other value kept.
 * When the key exists, only the value's characters are replaced (so the file differs by that one value);
 * otherwise the key is added through the yaml Document API, which keeps comments too.
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
    if (parent !== undefined && parent !== null && !isMap(parent)) throw usageError(`${file}: ${path.slice(0, i).join('.')} is not a mapping`);
  }
  doc.setIn(path, value);
  return doc.toString();
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
