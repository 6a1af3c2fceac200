import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * One ajv instance for every schema of this package. `hint` is an annotation our schemas use to describe a
 * pattern in words; `verbose` keeps the failing schema and data on each error so messages can quote them.
 */
export function createAjv(opts: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, useDefaults: opts.useDefaults ?? false });
  addFormatsModule.default(ajv);
  ajv.addKeyword({ keyword: 'hint', schemaType: 'string' });
  return ajv;
}

export type { ErrorObject, ValidateFunction };
