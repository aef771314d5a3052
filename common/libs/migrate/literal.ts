/**
 * TypeScript source for plain data, laid out as the project's formatter (biome, line width
 * 130) would lay it out, so generated migrations pass `biome check` untouched: a group
 * stays on one line when it fits, an array of several multi-key objects always breaks,
 * and objects chosen by `expand` are kept broken (biome keeps a broken object broken).
 */
export const LINE_WIDTH = 130;

export interface LiteralOptions {
  /** Spaces before the line the value starts on. */
  indent: number;
  /** Columns already used on the value's first line. */
  lead: number;
  /** Characters that follow the value on its last line (`,` or `);`). */
  tail: number;
  /** Objects (by path of keys from the root) to print broken even when they fit. */
  expand?: (path: readonly string[]) => boolean;
}

/** JSON-like data: what snapshots and operation arguments are made of. */
type Plain = string | number | boolean | null | undefined | Plain[] | { [key: string]: Plain };

/** A string literal in the quotes that need fewer escapes, single when even (biome's choice). */
export function quote(text: string): string {
  const singles = (text.match(/'/g) ?? []).length;
  const doubles = (text.match(/"/g) ?? []).length;
  const q = singles > doubles ? '"' : "'";
  const body = text.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll(q, `\\${q}`);
  return `${q}${body}${q}`;
}

function propKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key);
}

function isObject(value: Plain): value is { [key: string]: Plain } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(value: { [key: string]: Plain }): [string, Plain][] {
  return Object.entries(value).filter(([, v]) => v !== undefined);
}

/** One-line form of a value. */
function flat(value: Plain): string {
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  if (isObject(value)) {
    const parts = entries(value).map(([k, v]) => `${propKey(k)}: ${flat(v)}`);
    return parts.length ? `{ ${parts.join(', ')} }` : '{}';
  }
  return String(value);
}

/** Renders `value`; nested lines are indented from `opts.indent`. */
export function literal(data: unknown, opts: LiteralOptions, path: string[] = []): string {
  const value = data as Plain;
  const one = flat(value);
  const forced = isObject(value) ? (opts.expand?.(path) ?? false) && entries(value).length > 0 : mustBreak(value);
  if (!forced && opts.lead + one.length + opts.tail <= LINE_WIDTH) return one;
  if (!Array.isArray(value) && !isObject(value)) return one;
  const pad = ' '.repeat(opts.indent + 2);
  const inner = { ...opts, indent: opts.indent + 2, tail: 1 };
  const lines = Array.isArray(value)
    ? value.map((v, i) => `${pad}${literal(v, { ...inner, lead: pad.length }, [...path, String(i)])},`)
    : entries(value).map(([k, v]) => {
        const head = `${pad}${propKey(k)}: `;
        return `${head}${literal(v, { ...inner, lead: head.length }, [...path, k])},`;
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('\n')}\n${' '.repeat(opts.indent)}${close}`;
}

/** Biome breaks an array of two or more objects that each have more than one key. */
function mustBreak(value: Plain): boolean {
  return Array.isArray(value) && value.length > 1 && value.every((v) => isObject(v) && entries(v).length > 1);
}

/**
 * `await m.<method>(args);` as one line when it fits, else with its last (object) argument
 * broken over lines, the way biome hugs a last object argument.
 */
export function callStatement(indent: number, method: string, args: unknown[], expandLast = false, hugLast = true): string {
  const pad = ' '.repeat(indent);
  const head = `${pad}await m.${method}(`;
  const flatArgs = args.map((a) => flat(a as Plain));
  const whole = `${head}${flatArgs.join(', ')});`;
  if (!expandLast && whole.length <= LINE_WIDTH) return whole;
  // Biome hugs a last object argument only when the ones before it are simple (not objects).
  if (!isObject(args.at(-1) as Plain) || !hugLast) {
    const inner = ' '.repeat(indent + 2);
    return `${head}\n${args.map((a) => `${inner}${literal(a, { indent: indent + 2, lead: inner.length, tail: 1 })},`).join('\n')}\n${pad});`;
  }
  const first = flatArgs
    .slice(0, -1)
    .map((a) => `${a}, `)
    .join('');
  const last = literal(args.at(-1)!, {
    indent,
    lead: head.length + first.length,
    tail: 2,
    expand: (p) => expandLast && !p.length,
  });
  return `${head}${first}${last});`;
}
