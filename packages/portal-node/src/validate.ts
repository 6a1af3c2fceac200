import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isDeployTimeValue } from './deploy-time.js';

/** One problem in a spec: where (a JSON pointer such as `/fsx/0/mountDir`) and what. */
export interface SpecProblem {
  path: string;
  message: string;
}

/** Thrown for invalid input; lists every problem, so a user fixes them all in one go. */
export class SpecValidationError extends Error {
  readonly problems: readonly SpecProblem[];

  constructor(what: string, problems: readonly SpecProblem[]) {
    super(`invalid ${what}:\n${problems.map((p) => `  - ${p.path || '/'}: ${p.message}`).join('\n')}`);
    this.name = 'SpecValidationError';
    this.problems = problems;
    // A user error, not a bug: the stack trace would only hide the list.
    this.stack = `${this.name}: ${this.message}`;
  }
}

const concrete =
  (test: (value: string) => boolean) =>
  (value: string): boolean =>
    isDeployTimeValue(value) || test(value);

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Formats for values that may be deploy-time tokens: checked only when concrete. */
export const DEPLOY_TIME_FORMATS: Record<string, (value: string) => boolean> = {
  'dt-host': concrete((v) => HOSTNAME.test(v) || IPV4.test(v) || /^\[[0-9A-Fa-f:.]+\]$/.test(v)),
  'dt-arn': concrete((v) => /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/.test(v)),
  'dt-secret-arn': concrete((v) => /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(v)),
  'dt-efs-id': concrete((v) => /^fs-[0-9a-f]{8,40}$/.test(v)),
  'dt-fsx-id': concrete((v) => /^fs-[0-9a-f]{8,40}$/.test(v)),
  'dt-fsx-mount-name': concrete((v) => /^[A-Za-z0-9]{1,16}$/.test(v)),
  'dt-region': concrete((v) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(v)),
  'dt-uri': concrete((v) => /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+|https:\/\/\S+)$/.test(v)),
  'dt-partition': concrete((v) => /^aws(-cn|-us-gov|-iso[a-z-]*)?$/.test(v)),
  'dt-url-suffix': concrete((v) => /^[a-z0-9]+(\.[a-z0-9-]+)+$/.test(v)),
  'dt-text': concrete((v) => !/[\0\n\r]/.test(v)),
  'abs-path': (v) => /^\/[A-Za-z0-9._/+-]*$/.test(v) && !v.includes('/../') && !v.endsWith('/..'),
};

let sharedAjv: Ajv | undefined;
function ajv(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats.default(sharedAjv);
    for (const [name, test] of Object.entries(DEPLOY_TIME_FORMATS)) sharedAjv.addFormat(name, { type: 'string', validate: test });
  }
  return sharedAjv;
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

function describe(error: ErrorObject): SpecProblem {
  let path = error.instancePath;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'additionalProperties') {
    path = `${path}/${String((error.params as { additionalProperty: string }).additionalProperty)}`;
    message = 'is not a known property';
  } else if (error.keyword === 'required') {
    path = `${path}/${String((error.params as { missingProperty: string }).missingProperty)}`;
    message = 'is required';
  } else if (error.keyword === 'enum') {
    message = `must be one of ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  } else if (error.keyword === 'format') {
    message = `is not a valid ${String((error.params as { format: string }).format).replace(/^dt-/, '')}`;
  }
  return { path, message };
}

/** Validates `value` against `schema`; throws a SpecValidationError listing every problem. */
export function validateSpec<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv().compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(value)) {
    const seen = new Set<string>();
    const problems = (validate.errors ?? []).map(describe).filter((p) => {
      const key = `${p.path}\0${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    throw new SpecValidationError(what, problems);
  }
  return value as Static<S>;
}

/** Throws one SpecValidationError when semantic checks found problems. */
export function throwIfProblems(what: string, problems: readonly SpecProblem[]): void {
  if (problems.length > 0) throw new SpecValidationError(what, problems);
}
