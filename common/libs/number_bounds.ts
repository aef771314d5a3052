import type { JsonSchema } from './base_view.js';

/** Largest id any schema accepts: ids stay exact in JSON (2^53 - 1) even in 64-bit columns. */
export const ID_MAX = Number.MAX_SAFE_INTEGER;
/** Range of a 32-bit signed `INTEGER` column (MySQL `INT`), for counters stored in one. */
export const INT32_MAX = 2_147_483_647;

/** Thrown at start-up for a schema a service must fix; names the schema and the field. */
export class SchemaBoundError extends Error {
  override name = 'SchemaBoundError';
}

const SUBSCHEMA_KEYS = ['additionalProperties', 'items', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];
const SUBSCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAP_KEYS = ['properties', 'patternProperties', '$defs', 'definitions'];

/**
 * Refuses (throws SchemaBoundError) a schema with an `integer` or `number` that has no
 * explicit lower and upper bound, or an integer bound beyond ±(2^53 - 1). Run once per
 * schema when routes or commands are compiled, so a missing bound stops start-up instead
 * of letting `1e400` (Infinity) or 2^63 reach a query. An `enum` or `const` is a bound.
 * `where` prefixes the message, e.g. `GET /v1/records/login query`.
 */
export function assertBoundedNumbers(schema: JsonSchema, where: string, path = ''): void {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  const numeric = types.includes('integer') || types.includes('number');
  if (numeric && !('enum' in schema) && !('const' in schema)) {
    const low = schema.minimum ?? schema.exclusiveMinimum;
    const high = schema.maximum ?? schema.exclusiveMaximum;
    const field = path || '(root)';
    if (typeof low !== 'number' || typeof high !== 'number') {
      throw new SchemaBoundError(`${where}: ${field}: an ${types.join('|')} field needs an explicit minimum and maximum`);
    }
    if (types.includes('integer') && (low < -Number.MAX_SAFE_INTEGER || high > Number.MAX_SAFE_INTEGER)) {
      throw new SchemaBoundError(`${where}: ${field}: integer bounds must lie within ±Number.MAX_SAFE_INTEGER`);
    }
  }
  for (const key of SUBSCHEMA_KEYS) {
    const sub = schema[key];
    if (sub && typeof sub === 'object' && !Array.isArray(sub)) assertBoundedNumbers(sub as JsonSchema, where, path);
    if (Array.isArray(sub)) for (const s of sub) assertBoundedNumbers(s as JsonSchema, where, path);
  }
  for (const key of SUBSCHEMA_LIST_KEYS) {
    for (const sub of (schema[key] as JsonSchema[] | undefined) ?? []) assertBoundedNumbers(sub, where, path);
  }
  for (const key of SUBSCHEMA_MAP_KEYS) {
    const map = (schema[key] as Record<string, JsonSchema> | undefined) ?? {};
    for (const [name, sub] of Object.entries(map)) assertBoundedNumbers(sub, where, path ? `${path}.${name}` : name);
  }
}
