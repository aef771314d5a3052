const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|api[_-]?key/i;
const SECRET_IN_TEXT = [
  /(bearer\s+)[^\s"',;]+/gi,
  /((?:token|password|passwd|secret)=)[^\s&"',;]+/gi,
  /("(?:[a-z_]*password|[a-z_]*token|secret)"\s*:\s*")[^"]*/gi,
];
const MASK = '[redacted]';
// One cheap test first: most log text holds none of these words and skips the replacements.
const MIGHT_HOLD_SECRET = /bearer|token|passw|secret/i;

/** Masks secrets inside free text: bearer tokens, `token=` query values, JSON password fields. */
export function redactText(text: string): string {
  if (!MIGHT_HOLD_SECRET.test(text)) return text;
  let out = text;
  for (const pattern of SECRET_IN_TEXT) out = out.replace(pattern, `$1${MASK}`);
  return out;
}

/** A copy of `value` with every secret-looking key masked, to any depth. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message), stack: value.stack };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? MASK : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
