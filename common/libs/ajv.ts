import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * The shared validators, compiled once at registration. Bodies are checked strictly (no
 * type coercion: `"5"` is not a number); query strings and path params arrive as text,
 * so their instance coerces scalars and applies defaults.
 */
export const ajvStrict = new Ajv({ allErrors: false, useDefaults: true, strict: false });
export const ajvCoerce = new Ajv({ allErrors: false, useDefaults: true, coerceTypes: true, strict: false });
addFormats.default(ajvStrict);
addFormats.default(ajvCoerce);

/** `where/field: problem` for the first error, naming the failing field's path. */
export function describeAjvError(where: string, errors: ErrorObject[] | null | undefined): { msg: string; field: string } {
  const err = errors?.[0];
  if (!err) return { msg: `${where}: invalid`, field: where };
  let field = err.instancePath.replace(/^\//, '').replaceAll('/', '.');
  let problem = err.message ?? 'is invalid';
  if (err.keyword === 'required') {
    field = joinPath(field, String(err.params.missingProperty));
    problem = 'is required';
  } else if (err.keyword === 'additionalProperties') {
    field = joinPath(field, String(err.params.additionalProperty));
    problem = 'is not an accepted field';
  } else if (err.keyword === 'enum') {
    problem = `must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
  }
  const full = field ? `${where}.${field}` : where;
  return { msg: `${full}: ${problem}`, field: full };
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
