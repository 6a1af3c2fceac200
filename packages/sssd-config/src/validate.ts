import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';

/** Thrown for an invalid spec; lists every problem with its JSON pointer, so all can be fixed in one go. */
export class SssdSpecError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid sssd spec:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SssdSpecError';
    this.problems = problems;
    // A user error, not a bug: the stack trace would only hide the list.
    this.stack = `${this.name}: ${this.message}`;
  }
}

const cache = new WeakMap<TSchema, ValidateFunction>();
let ajv: Ajv | undefined;

export function validateSpec<T extends TSchema>(schema: T, input: unknown, extra: (spec: Static<T>) => string[] = () => []): Static<T> {
  ajv ??= new Ajv({ allErrors: true, strict: true });
  let check = cache.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    cache.set(schema, check);
  }
  if (!check(input)) {
    throw new SssdSpecError((check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'is not valid'}`));
  }
  const problems = extra(input as Static<T>);
  if (problems.length > 0) throw new SssdSpecError(problems);
  return input as Static<T>;
}
