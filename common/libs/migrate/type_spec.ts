import { type DataType, DataTypes } from 'sequelize';

/**
 * Canonical text of a Sequelize data type, the same on every dialect:
 * `NAME(args).MODIFIER`, e.g. `STRING(64)`, `DECIMAL(10, 2).UNSIGNED`, `ENUM('a', 'b')`,
 * `TEXT('medium')`. The name is the `DataTypes` property, so the text reads as the call.
 */
export interface ParsedType {
  name: string;
  args: (string | number)[];
  modifiers: string[];
}

type Shape = 'length' | 'textLength' | 'int' | 'float' | 'decimal' | 'enum' | 'plain';

const SHAPES: Record<string, Shape> = {
  STRING: 'length',
  CHAR: 'length',
  TEXT: 'textLength',
  BLOB: 'textLength',
  TINYINT: 'int',
  SMALLINT: 'int',
  MEDIUMINT: 'int',
  INTEGER: 'int',
  BIGINT: 'int',
  FLOAT: 'float',
  DOUBLE: 'float',
  REAL: 'float',
  DECIMAL: 'decimal',
  DATE: 'int',
  ENUM: 'enum',
  BOOLEAN: 'plain',
  DATEONLY: 'plain',
  TIME: 'plain',
  UUID: 'plain',
  JSON: 'plain',
};

/** Sequelize keys that differ from their `DataTypes` property name. */
const KEY_TO_NAME: Record<string, string> = { 'DOUBLE PRECISION': 'DOUBLE' };

type TypeFields = {
  key: string;
  _length?: number | string;
  _binary?: boolean;
  _unsigned?: boolean;
  _zerofill?: boolean;
  _decimals?: number;
  _precision?: number;
  _scale?: number;
  values?: string[];
};

/** The canonical text of a model attribute's type; throws for a type the engine cannot migrate. */
export function typeSpecOf(type: DataType, where: string): string {
  const t = (typeof type === 'function' ? new (type as unknown as new () => TypeFields)() : type) as unknown as TypeFields;
  const name = KEY_TO_NAME[t.key] ?? t.key;
  const shape = SHAPES[name];
  if (!shape) throw new Error(`${where}: type ${t.key} is not supported by the migration engine`);
  const args: (string | number)[] = [];
  const mods: string[] = [];
  if (shape === 'length' && t._length !== undefined) args.push(Number(t._length));
  if ((shape === 'textLength' || shape === 'int') && t._length) args.push(t._length);
  if (shape === 'float' && t._length) args.push(Number(t._length), ...(t._decimals !== undefined ? [t._decimals] : []));
  if (shape === 'decimal' && t._precision) args.push(t._precision, ...(t._scale !== undefined ? [t._scale] : []));
  if (shape === 'enum') args.push(...(t.values ?? []));
  if (t._binary) mods.push('BINARY');
  if (t._unsigned) mods.push('UNSIGNED');
  if (t._zerofill) mods.push('ZEROFILL');
  return formatType({ name, args, modifiers: mods });
}

/** Canonical text of a type's parts (the inverse of `parseType`). */
export function formatType({ name, args, modifiers }: ParsedType): string {
  const inner = args.map((a) => (typeof a === 'number' ? String(a) : `'${a.replaceAll("'", "\\'")}'`)).join(', ');
  return `${name}${args.length ? `(${inner})` : ''}${modifiers.map((m) => `.${m}`).join('')}`;
}

const TYPE_RE = /^([A-Z]+)(?:\((.*)\))?((?:\.[A-Z]+)*)$/s;
const ARG_RE = /\s*(?:'((?:\\.|[^'\\])*)'|(-?\d+(?:\.\d+)?))\s*(?:,|$)/gy;

/** Reads canonical type text back into its parts. */
export function parseType(text: string): ParsedType {
  const m = TYPE_RE.exec(text);
  if (!m || !SHAPES[m[1]!]) throw new Error(`type "${text}" is not a canonical migration type`);
  const args: (string | number)[] = [];
  const inner = m[2] ?? '';
  ARG_RE.lastIndex = 0;
  while (ARG_RE.lastIndex < inner.length) {
    const a = ARG_RE.exec(inner);
    if (!a) throw new Error(`type "${text}": cannot read its arguments`);
    args.push(a[1] !== undefined ? a[1].replace(/\\(.)/g, '$1') : Number(a[2]));
  }
  return { name: m[1]!, args, modifiers: (m[3] ?? '').split('.').filter(Boolean) };
}

/** Builds the Sequelize data type of canonical type text. */
export function dataTypeOf(text: string): DataType {
  const { name, args, modifiers } = parseType(text);
  const shape = SHAPES[name]!;
  const flags = { unsigned: modifiers.includes('UNSIGNED'), zerofill: modifiers.includes('ZEROFILL') };
  const Ctor = (DataTypes as unknown as Record<string, new (opts?: object) => DataType>)[name]!;
  const [a, b] = args;
  switch (shape) {
    case 'length':
      return new Ctor({ length: a, binary: modifiers.includes('BINARY') });
    case 'textLength':
      return new Ctor(a === undefined ? {} : { length: a });
    case 'int':
      return new Ctor({ ...(a === undefined ? {} : { length: a }), ...flags });
    case 'float':
      return new Ctor({ ...(a === undefined ? {} : { length: a, decimals: b }), ...flags });
    case 'decimal':
      return new Ctor({ ...(a === undefined ? {} : { precision: a, scale: b }), ...flags });
    case 'enum':
      return new Ctor({ values: args.map(String) });
    default:
      return new Ctor();
  }
}
