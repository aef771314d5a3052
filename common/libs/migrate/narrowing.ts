import { type ParsedType, parseType } from './type_spec.js';

const INT_RANK: Record<string, number> = { BOOLEAN: 0, TINYINT: 1, SMALLINT: 2, MEDIUMINT: 3, INTEGER: 4, BIGINT: 5 };
/** Decimal digits each integer type needs, signed. */
const INT_DIGITS = [1, 3, 5, 8, 10, 19];
const TEXT_RANK: Record<string, number> = { tiny: 1, '': 2, medium: 3, long: 4 };
const FLOAT_RANK: Record<string, number> = { FLOAT: 1, REAL: 2, DOUBLE: 2 };
const STRINGISH = new Set(['STRING', 'CHAR']);

/**
 * Why changing a column from type `from` to type `to` can lose data, or undefined when
 * every value of `from` fits `to` (a widening). Unknown pairs count as narrowing: the
 * engine refuses what it cannot prove safe.
 */
export function narrowingReason(from: string, to: string): string | undefined {
  if (from === to) return undefined;
  const a = parseType(from);
  const b = parseType(to);
  return fits(a, b) ? undefined : `${from} -> ${to} may not keep every value`;
}

function fits(a: ParsedType, b: ParsedType): boolean {
  const unsignedA = a.modifiers.includes('UNSIGNED');
  const unsignedB = b.modifiers.includes('UNSIGNED');
  if (a.name in INT_RANK && b.name in INT_RANK) {
    const ra = INT_RANK[a.name]!;
    const rb = INT_RANK[b.name]!;
    if (a.name === 'BOOLEAN') return rb >= 1;
    if (unsignedA === unsignedB) return rb >= ra;
    return unsignedA && rb > ra;
  }
  if (STRINGISH.has(a.name) && STRINGISH.has(b.name)) return num(b.args[0], 255) >= num(a.args[0], 255);
  if ((STRINGISH.has(a.name) || a.name === 'ENUM') && b.name === 'TEXT') return TEXT_RANK[str(b.args[0])]! >= 2;
  if ((a.name === 'TEXT' && b.name === 'TEXT') || (a.name === 'BLOB' && b.name === 'BLOB')) {
    return TEXT_RANK[str(b.args[0])]! >= TEXT_RANK[str(a.args[0])]!;
  }
  if (a.name === 'ENUM' && b.name === 'ENUM') return a.args.every((v) => b.args.includes(v));
  if (a.name === 'ENUM' && STRINGISH.has(b.name)) return a.args.every((v) => String(v).length <= num(b.args[0], 255));
  if (a.name in FLOAT_RANK && b.name in FLOAT_RANK) {
    return FLOAT_RANK[b.name]! >= FLOAT_RANK[a.name]! && (b.args.length === 0 || a.args.length > 0) && !(unsignedB && !unsignedA);
  }
  if (a.name === 'DECIMAL' && b.name === 'DECIMAL') {
    const [pa, sa] = [num(a.args[0], 10), num(a.args[1], 0)];
    const [pb, sb] = [num(b.args[0], 10), num(b.args[1], 0)];
    return sb >= sa && pb - sb >= pa - sa && !(unsignedB && !unsignedA);
  }
  if (a.name in INT_RANK && b.name === 'DECIMAL') {
    return num(b.args[0], 10) - num(b.args[1], 0) >= INT_DIGITS[INT_RANK[a.name]!]! && !(unsignedB && !unsignedA);
  }
  if (a.name in INT_RANK && b.name === 'DOUBLE') return INT_RANK[a.name]! <= 4 && !(unsignedB && !unsignedA);
  if (a.name === 'DATE' && b.name === 'DATE') return num(b.args[0], 0) >= num(a.args[0], 0);
  if (a.name === 'DATEONLY' && b.name === 'DATE') return true;
  return false;
}

function num(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

function str(value: string | number | undefined): string {
  return value === undefined ? '' : String(value);
}
