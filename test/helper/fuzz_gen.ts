/**
 * Seeded generators of hostile input: the same seed gives the same cases, so a failure can be replayed.
 * Changing a list or the order of draws here changes what every fixed seed in fuzz_seeds.ts
 * generates: pin the inputs those seeds found in a deterministic test first (as
 * test/test_manage_inputs.ts does for seed 275691's `account_id=1e309`).
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** mulberry32: small, fast, good enough to spread test cases. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(max: number): number {
    return Math.floor(this.next() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const NASTY_STRINGS = [
  '',
  ' ',
  "' OR 1=1 --",
  '"; DROP TABLE sys_account; --',
  '%',
  '_',
  '\\',
  '\u0000',
  '\r\nX-Injected: 1',
  '🦊'.repeat(20),
  '管理员',
  '\u202e\u0041\u0042',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  '${7*7}',
  '../../etc/passwd',
  'admin',
  'viewer',
  'disabled',
  '2026-11-21T00:00:00Z',
  'NaN',
  '1e309',
  '-1',
  '0',
  'true',
  'null',
  '[]',
  '{}',
];
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'username',
  'password',
  'role',
  'status',
  'display_name',
  'id',
  'page',
  '',
];
const NASTY_NUMBERS = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5, -0];

export function nastyString(rng: Rng): string {
  const r = rng.int(10);
  if (r === 0) return 'x'.repeat(rng.pick([65, 129, 256, 10_000, 200_000]));
  if (r === 1) return Array.from({ length: rng.int(40) }, () => String.fromCodePoint(nonSurrogate(rng.int(0x2ffff)))).join('');
  return rng.pick(NASTY_STRINGS);
}

/** A random JSON value: wrong types, deep nesting, hostile keys and strings. */
export function nastyValue(rng: Rng, depth = 0): unknown {
  const r = rng.int(depth > 3 ? 5 : 8);
  if (r === 0) return nastyString(rng);
  if (r === 1) return rng.pick(NASTY_NUMBERS);
  if (r === 2) return rng.chance(0.5);
  if (r === 3) return null;
  if (r === 4) return nastyString(rng);
  if (r === 5) return Array.from({ length: rng.int(5) }, () => nastyValue(rng, depth + 1));
  if (r === 6) return deepNest(rng.pick([10, 100, 1000]));
  const obj: Record<string, unknown> = {};
  for (let i = rng.int(6); i > 0; i--)
    obj[rng.chance(0.7) ? rng.pick(NASTY_KEYS) : nastyString(rng)] = nastyValue(rng, depth + 1);
  return obj;
}

/** Lone surrogates cannot be sent (they are not UTF-8); invalid bytes are covered by `nastyBody`. */
function nonSurrogate(cp: number): number {
  return cp >= 0xd800 && cp <= 0xdfff ? cp - 0x800 : cp;
}

function deepNest(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

/** A request body as bytes: JSON of a nasty value, truncated JSON, invalid UTF-8, or junk. */
export function nastyBody(rng: Rng): Uint8Array | string | undefined {
  const r = rng.int(8);
  if (r === 0) return undefined;
  const json = JSON.stringify(nastyValue(rng)) ?? 'null';
  if (r === 1) return json.slice(0, Math.max(1, rng.int(json.length)));
  if (r === 2) return Uint8Array.from([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
  if (r === 3)
    return rng.pick(['{"__proto__": {"admin": true}}', '{"constructor": {"prototype": {"x": 1}}}', '[[[[[[', 'nul', '"']);
  // the remaining half: a JSON object of hostile fields
  return json;
}

/** A query string of hostile keys and values, sometimes malformed percent-encoding. */
export function nastyQuery(rng: Rng): string {
  const parts: string[] = [];
  for (let i = rng.int(5); i > 0; i--) {
    const key = rng.chance(0.7)
      ? rng.pick([
          'page',
          'page_size',
          'username',
          'role',
          'status',
          'sort',
          'account_id',
          'result',
          'since',
          'until',
          '__proto__',
        ])
      : nastyString(rng);
    const value = rng.chance(0.1) ? '%ZZ%' : encodeURIComponent(nastyString(rng));
    parts.push(`${encodeURIComponent(key)}=${value}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** A path parameter: numbers out of range, text, traversal, encoded NUL. */
export function nastyParam(rng: Rng): string {
  return rng.pick([
    '1',
    '2',
    '0',
    '-1',
    '4294967296',
    '99999999999999999999',
    'abc',
    '%00',
    '..%2f..',
    '1.5',
    '1e3',
    encodeURIComponent(nastyString(rng)),
  ]);
}
