/**
 * The written form of a number a client or operator hands in as text (path, query string,
 * environment, `.env`): plain decimal only. `Number()` and ajv's `coerceTypes` also accept
 * `1e309` (Infinity), `0x10`, `+5`, ` 5`, `05` and `""`; none of those is taken here.
 * The value's range is checked afterwards, against the field's schema.
 */
const INTEGER_TEXT = /^(?:0|-?[1-9][0-9]*)$/;
const DECIMAL_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

/** What a refused text is told, after its field name. */
export const INTEGER_TEXT_PROBLEM = 'must be an integer written in plain decimal digits';
export const DECIMAL_TEXT_PROBLEM = 'must be a number written in plain decimal notation';

/** The integer `text` spells, or undefined when it is not plain decimal digits. */
export function integerFromText(text: string): number | undefined {
  return INTEGER_TEXT.test(text) ? Number(text) : undefined;
}

/** The number `text` spells in plain decimal notation, or undefined. */
export function decimalFromText(text: string): number | undefined {
  return DECIMAL_TEXT.test(text) ? Number(text) : undefined;
}
