import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * One ajv setup for every schema of this package, used at build time only (scripts/codegen.ts): the validators the library
 * runs are ajv's standalone code generated from it. `hint` is an annotation our schemas use to describe a pattern in
 * words; `verbose` keeps the failing schema and data on each error so messages can quote them.
 */
export function createAjv(opts: { useDefaults?: boolean; standalone?: boolean } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    verbose: true,
    useDefaults: opts.useDefaults ?? false,
    ...(opts.standalone ? { code: { source: true, esm: true, lines: true } } : {}),
  });
  addFormatsModule.default(ajv);
  ajv.addKeyword({ keyword: 'hint', schemaType: 'string' });
  return ajv;
}

/** The shape of a generated validator: ajv's standalone output is untyped (`// @ts-nocheck`). */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
