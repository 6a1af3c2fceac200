import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../issues.js';

export interface RawIssue {
  segments: PathSegment[];
  message: string;
  severity: 'error' | 'warning';
  /** Locate the key itself (unknown/misplaced keys) rather than its value. */
  atKey?: boolean;
}

/** `/HeadNode/Networking/SubnetId` → ['HeadNode', 'Networking', 'SubnetId'] (array indices become numbers). */
export function pointerToSegments(pointer: string, data?: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of keys',
  array: 'a list',
};

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

function suggestion(key: string, allowed: string[]): string {
  const lower = key.toLowerCase();
  const prefixed = allowed.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  if (prefixed && key.length >= 3) return ` Did you mean "${prefixed}"?`;
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of allowed) {
    const score = editDistance(lower, k.toLowerCase());
    if (score < bestScore) {
      best = k;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(key.length / 3)) ? ` Did you mean "${best}"?` : '';
}

/** Turn one ajv error into a message a cluster admin can act on. */
export function schemaIssue(err: ErrorObject, data: unknown, subject = 'ParallelCluster rejects keys it does not know'): RawIssue {
  const segments = pointerToSegments(err.instancePath, data);
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((parent.properties as object | undefined) ?? {});
      return {
        segments: [...segments, key],
        atKey: true,
        severity: 'error',
        message: `unknown key "${key}"; ${subject}.${suggestion(key, allowed)} Allowed here: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { segments: [...segments, String(p.missingProperty)], severity: 'error', message: `required key "${String(p.missingProperty)}" is missing` };
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return { segments, severity: 'error', message: `must be ${types.join(' or ')}, got ${describe(err.data)}` };
    }
    case 'enum':
      return {
        segments,
        severity: 'error',
        message: `${describe(err.data)} is not allowed; use one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'pattern': {
      const hint = typeof parent.hint === 'string' ? parent.hint : `a value matching ${String(p.pattern)}`;
      return { segments, severity: 'error', message: `${describe(err.data)} is not ${hint}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const word = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'more than', exclusiveMaximum: 'less than' }[err.keyword];
      return { segments, severity: 'error', message: `must be ${word} ${String(p.limit)}, got ${describe(err.data)}` };
    }
    case 'minItems':
      return { segments, severity: 'error', message: `must list at least ${String(p.limit)} item(s), got ${(err.data as unknown[]).length}` };
    case 'maxItems':
      return { segments, severity: 'error', message: `must list at most ${String(p.limit)} item(s), got ${(err.data as unknown[]).length}` };
    case 'minLength':
      return { segments, severity: 'error', message: `must be at least ${String(p.limit)} character(s) long` };
    case 'maxLength':
      return { segments, severity: 'error', message: `must be at most ${String(p.limit)} characters long, got ${String((err.data as string).length)}` };
    default:
      return { segments, severity: 'error', message: err.message ?? `failed the "${err.keyword}" check` };
  }
}
