/**
 * `.properties` text written exactly as `java.util.Properties.store(OutputStream, ...)` escapes it
 * (its `saveConvert`), minus the timestamp comment so that output is deterministic.
 */

const HEX = '0123456789ABCDEF';

function unicodeEscape(code: number): string {
  return `\\u${HEX[(code >> 12) & 0xf]}${HEX[(code >> 8) & 0xf]}${HEX[(code >> 4) & 0xf]}${HEX[code & 0xf]}`;
}

function saveConvert(text: string, escapeSpace: boolean): string {
  let out = '';
  // UTF-16 code units, as Java iterates a String: a non-BMP character becomes two \uXXXX escapes.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (c > 61 && c < 127) {
      out += ch === '\\' ? '\\\\' : ch;
      continue;
    }
    switch (ch) {
      case ' ':
        out += i === 0 || escapeSpace ? '\\ ' : ' ';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\f':
        out += '\\f';
        break;
      case '=':
      case ':':
      case '#':
      case '!':
        out += `\\${ch}`;
        break;
      default:
        out += c < 0x20 || c > 0x7e ? unicodeEscape(c) : ch;
    }
  }
  return out;
}

/** A key escaped as `Properties.store` writes it (every space escaped). */
export function escapePropertiesKey(key: string): string {
  return saveConvert(key, true);
}

/** A value escaped as `Properties.store` writes it (only a leading space escaped). */
export function escapePropertiesValue(value: string): string {
  return saveConvert(value, false);
}

/** A comment line as `Properties.store` writes comments: characters above U+00FF as \uXXXX. */
function commentLines(comment: string): string[] {
  return comment.split(/\r\n|\r|\n/).map((line) => {
    let out = '#';
    if (line.length > 0) out += ' ';
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      out += c > 0xff ? unicodeEscape(c) : line[i];
    }
    return out;
  });
}

/** An entry, or a comment / blank line that keeps a long file readable. */
export type PropertiesLine = readonly [key: string, value: string] | { comment: string } | { blank: true };

export interface JavaPropertiesOptions {
  /** `'='` like `Properties.store` (default), or `' = '` like EnginFrame's installer templates. */
  separator?: '=' | ' = ';
  /** Comment lines written first. */
  header?: string;
}

/**
 * Serializes entries (in the given order) to `.properties` text with `Properties.store` escaping:
 * `\`, `#`, `!`, `=`, `:` escaped everywhere, spaces escaped in keys and at the start of values,
 * TAB/LF/CR/FF as `\t` `\n` `\r` `\f`, and every other character outside printable ASCII as `\uXXXX`,
 * so the file reads back the same through `load(InputStream)` (ISO-8859-1) and `load(Reader)`.
 */
export function toJavaProperties(
  entries: Iterable<PropertiesLine> | Readonly<Record<string, string>>,
  options: JavaPropertiesOptions = {},
): string {
  const separator = options.separator ?? '=';
  const lines: string[] = options.header === undefined ? [] : commentLines(options.header);
  const list: Iterable<PropertiesLine> =
    Symbol.iterator in entries ? (entries as Iterable<PropertiesLine>) : Object.entries(entries as Record<string, string>);
  for (const entry of list) {
    if (Array.isArray(entry)) {
      const [key, value] = entry as readonly [string, string];
      lines.push(`${escapePropertiesKey(key)}${separator}${escapePropertiesValue(value)}`);
    } else if ('comment' in entry) {
      lines.push(...commentLines(entry.comment));
    } else {
      lines.push('');
    }
  }
  return `${lines.join('\n')}\n`;
}
