import type { Options } from 'ajv';

/** Every error at once, defaults filled in, and the failing schema kept (for did-you-mean and allowed values). */
export const AJV_OPTIONS: Options = { allErrors: true, useDefaults: true, verbose: true, strict: false };
