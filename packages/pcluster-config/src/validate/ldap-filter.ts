/**
 * RFC 4515 string filters, as sssd's ldap_access_filter (ParallelCluster's LdapAccessFilter) receives them. A filter
 * the directory cannot parse makes sssd deny every login on the cluster nodes, so the config check refuses it first.
 */

const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*$/;
const RULE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

class FilterSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

/** An assertion value: no unescaped `(`, `)` or NUL; `\` only before two hex digits; `*` only where allowed. */
function checkValue(text: string, start: number, allowStar: boolean): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === ')' || c === '\0') throw new FilterSyntaxError(`unescaped ${JSON.stringify(c)} in a value (write \\28, \\29 or \\00)`, start + i);
    if (c === '*' && !allowStar) throw new FilterSyntaxError('"*" in a value (write \\2a)', start + i);
    if (c === '\\') {
      if (!/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) throw new FilterSyntaxError('"\\" must be followed by two hex digits (write \\5c for a backslash)', start + i);
      i += 2;
    }
  }
}

function checkItem(text: string, start: number): void {
  const m = /^([^=<>~:]*)(:[^=]*)?(=|~=|>=|<=)(.*)$/s.exec(text);
  if (!m) throw new FilterSyntaxError(`"${text}" is not attribute=value`, start);
  const [, attr = '', ext, op, value = ''] = m;
  if (ext !== undefined) {
    if (op !== '=' ) throw new FilterSyntaxError('an extensible match needs ":="', start);
    // attr[:dn][:rule]:=value, or [:dn]:rule:=value
    const parts = ext.slice(1, -1).split(':').filter((p) => p !== '');
    if (!ext.endsWith(':')) throw new FilterSyntaxError('an extensible match ends with ":="', start);
    if (attr !== '' && !ATTRIBUTE.test(attr)) throw new FilterSyntaxError(`"${attr}" is not an attribute name`, start);
    if (attr === '' && parts.filter((p) => p.toLowerCase() !== 'dn').length === 0) throw new FilterSyntaxError('an extensible match without an attribute needs a matching rule', start);
    for (const p of parts) if (p.toLowerCase() !== 'dn' && !RULE.test(p)) throw new FilterSyntaxError(`"${p}" is not a matching rule`, start);
    checkValue(value, start + text.length - value.length, false);
    return;
  }
  if (!ATTRIBUTE.test(attr)) throw new FilterSyntaxError(`"${attr}" is not an attribute name`, start);
  checkValue(value, start + attr.length + op!.length, op === '=');
}

/** Parses one parenthesised filter from `pos`; returns the position after its ")". */
function parseFilter(text: string, pos: number): number {
  if (text[pos] !== '(') throw new FilterSyntaxError('expected "("', pos);
  const op = text[pos + 1];
  if (op === '&' || op === '|' || op === '!') {
    let at = pos + 2;
    let count = 0;
    while (text[at] === '(') {
      at = parseFilter(text, at);
      count++;
    }
    if (text[at] !== ')') throw new FilterSyntaxError(at >= text.length ? 'missing ")"' : `unexpected ${JSON.stringify(text[at])}`, at);
    if (count === 0) throw new FilterSyntaxError(`"${op}" needs at least one filter`, pos + 1);
    if (op === '!' && count !== 1) throw new FilterSyntaxError('"!" takes exactly one filter', pos + 1);
    return at + 1;
  }
  // An item runs to the first unescaped ")" (escapes are \xx, so a ")" never follows a lone backslash).
  const close = text.indexOf(')', pos + 1);
  if (close < 0) throw new FilterSyntaxError('missing ")"', text.length);
  checkItem(text.slice(pos + 1, close), pos + 1);
  return close + 1;
}

/** Why `filter` is not an LDAP filter sssd can use, or undefined. sssd adds the outer parentheses when missing. */
export function ldapFilterProblem(filter: string): string | undefined {
  if (filter.trim() === '') return 'is empty';
  if (/[\n\r]/.test(filter)) return 'has a line break (sssd.conf values end at the line break)';
  const text = filter.startsWith('(') ? filter : `(${filter})`;
  const offset = filter.startsWith('(') ? 0 : -1;
  try {
    const end = parseFilter(text, 0);
    if (end !== text.length) throw new FilterSyntaxError(`unexpected text after the filter`, end);
    return undefined;
  } catch (e) {
    if (!(e instanceof FilterSyntaxError)) throw e;
    return `is not an LDAP filter (RFC 4515): ${e.message} at character ${Math.max(0, e.at + offset) + 1}`;
  }
}
