import { ajvCoerce, ajvStrict, describeAjvError } from './ajv.js';
import { ApiError } from './api_error.js';
import type { JsonSchema } from './base_view.js';
import { INSTANT_PROBLEM, isStorableInstant } from './date_text.js';
import { assertBoundedNumbers } from './number_bounds.js';
import { DECIMAL_TEXT_PROBLEM, decimalFromText, INTEGER_TEXT_PROBLEM, integerFromText } from './number_text.js';
import { StaCode } from './sta_code.js';
import { findTextFault, textFault } from './text_rule.js';

/** Checks one input (and fills its defaults in place); throws ApiError 422 `{field}` naming the first bad field. */
export type InputCheck<T> = (value: T) => T;

type Validate = ((value: unknown) => boolean) & { errors?: Parameters<typeof describeAjvError>[1] };

interface NumberReader {
  read(text: string): number | undefined;
  problem: string;
}

const INTEGER_READER: NumberReader = { read: integerFromText, problem: INTEGER_TEXT_PROBLEM };
const DECIMAL_READER: NumberReader = { read: decimalFromText, problem: DECIMAL_TEXT_PROBLEM };

function refuse(field: string, problem: string): never {
  throw new ApiError(StaCode.BAD_ARGUMENT, `${field}: ${problem}`, { field });
}

function validated<T>(validate: Validate, where: string, value: T): T {
  if (!validate(value)) {
    const { msg, field } = describeAjvError(where, validate.errors);
    throw new ApiError(StaCode.BAD_ARGUMENT, msg, { field });
  }
  return value;
}

/**
 * For text inputs (path params, query strings): a flat object schema whose integer and
 * number fields are read from their text form by the plain-decimal rule before ajv sees
 * them, so ajv's own coercion never turns `1e309`, `0x10` or `" 5"` into a number. Every
 * value and name must pass the text rule; a `date-time` must be an instant the databases
 * hold. Compiled once, at mount; `owner` (e.g. `GET /v1/accounts`) names the route if the
 * schema lacks a numeric bound (SchemaBoundError).
 */
export function compileTextInput(schema: JsonSchema, where: string, owner: string): InputCheck<Record<string, unknown>> {
  assertBoundedNumbers(schema, `${owner} ${where}`);
  const readers = new Map<string, NumberReader>();
  const instants: string[] = [];
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    if (prop.type === 'integer') readers.set(key, INTEGER_READER);
    else if (prop.type === 'number') readers.set(key, DECIMAL_READER);
    else if (prop.format === 'date-time') instants.push(key);
  }
  const validate = ajvCoerce.compile(schema) as Validate;

  return function checkTextInput(raw) {
    for (const key of Object.keys(raw)) {
      const keyProblem = textFault(key);
      if (keyProblem) refuse(where, `field names ${keyProblem}`);
      const text = raw[key];
      if (typeof text !== 'string') continue;
      const problem = textFault(text);
      if (problem) refuse(`${where}.${key}`, problem);
      const reader = readers.get(key);
      if (reader) {
        const n = reader.read(text);
        if (n === undefined) refuse(`${where}.${key}`, reader.problem);
        raw[key] = n;
      }
    }
    validated(validate, where, raw);
    for (const key of instants) {
      const text = raw[key];
      if (typeof text === 'string' && !isStorableInstant(text)) refuse(`${where}.${key}`, INSTANT_PROBLEM);
    }
    return raw;
  };
}

/**
 * For JSON inputs (request bodies, WebSocket frame data): numbers arrive as JSON numbers,
 * so only the schema's bounds (required at compile time) and the text rule, applied to
 * every string and key at any depth, are added to ajv's strict check.
 */
export function compileJsonInput(schema: JsonSchema, where: string, owner: string): InputCheck<unknown> {
  assertBoundedNumbers(schema, `${owner} ${where}`);
  const validate = ajvStrict.compile(schema) as Validate;

  return function checkJsonInput(value) {
    const fault = findTextFault(value, where);
    if (fault) refuse(fault.field, fault.problem);
    return validated(validate, where, value);
  };
}
