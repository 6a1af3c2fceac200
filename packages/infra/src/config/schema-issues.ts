import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';
import { fromJsonPointer } from './paths.js';
import type { RawIssue } from './checks/report.js';

function kindOf(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `the ${typeof v} ${String(v)}`;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of keys to values',
  array: 'a list',
};

function constsOf(schema: unknown): unknown[] | undefined {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf;
  if (!anyOf || !anyOf.every((s) => 'const' in s)) return undefined;
  return anyOf.map((s) => s.const);
}

/** Turns ajv's errors (allErrors, verbose) into one actionable message per problem. */
export function schemaIssues(errors: readonly ErrorObject[]): RawIssue[] {
  const issues: RawIssue[] = [];
  // A failed enum-like union reports one error per alternative; report the union once instead.
  const unions = errors.filter((e) => e.keyword === 'anyOf' && constsOf(e.parentSchema));
  const insideUnion = (e: ErrorObject) =>
    e.keyword !== 'anyOf' && unions.some((u) => u.instancePath === e.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`));

  for (const e of errors) {
    if (insideUnion(e)) continue;
    const path = fromJsonPointer(e.instancePath);
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        issues.push({
          path: [...path, key],
          at: 'key',
          severity: 'error',
          message: `unknown key ${JSON.stringify(key)}${didYouMean(key, known)}`,
        });
        break;
      }
      case 'required': {
        const key = String((e.params as { missingProperty: string }).missingProperty);
        issues.push({ path: [...path, key], severity: 'error', message: `is required but missing` });
        break;
      }
      case 'type': {
        const want = String((e.params as { type: string }).type);
        issues.push({ path, severity: 'error', message: `must be ${TYPE_NAMES[want] ?? want}, not ${kindOf(e.data)}` });
        break;
      }
      case 'anyOf': {
        const values = constsOf(e.parentSchema);
        if (values) {
          const got = JSON.stringify(e.data);
          const hint = typeof e.data === 'string' ? didYouMean(e.data, values.map(String)) : '';
          issues.push({ path, severity: 'error', message: `${got} is not allowed; use one of ${values.map((v) => JSON.stringify(v)).join(', ')}${hint}` });
        } else {
          issues.push({ path, severity: 'error', message: e.message ?? 'is not valid' });
        }
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        issues.push({ path, severity: 'error', message: `${String(e.data)} ${e.message ?? 'is out of range'}` });
        break;
      case 'minItems':
        issues.push({ path, severity: 'error', message: `needs at least ${(e.params as { limit: number }).limit} item(s)` });
        break;
      case 'minLength':
        issues.push({ path, severity: 'error', message: 'must not be empty' });
        break;
      default:
        issues.push({ path, severity: 'error', message: e.message ?? 'is not valid' });
    }
  }
  return issues;
}
