/**
 * The one rule for text a client (or config) hands in: every string, and every object key,
 * must be storable and comparable by every back end exactly as given. SQLite ends an inlined
 * literal at U+0000 (`unrecognized token`) and MySQL/MariaDB drivers turn a lone surrogate
 * into U+FFFD, so both are refused before any query rather than failing or silently changed.
 * The walk over parsed JSON also refuses a number that overflowed to Infinity (`1e400`):
 * it would be stored as `null`.
 */

declare global {
  interface String {
    /** ES2024, in Node >= 20: false when the string holds a lone surrogate. */
    isWellFormed(): boolean;
  }
}

/** Why `text` breaks the rule, or undefined when it is fine. */
export function textFault(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain U+0000 (NUL)';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

const NOT_FINITE = 'must be a finite number (it overflows to Infinity)';

/** Where a parsed JSON value breaks the rule. */
export interface TextFault {
  /** Dotted path from the root name, e.g. `body.items.0.name`. */
  field: string;
  problem: string;
}

/**
 * The first string, object key or number inside a parsed JSON value that breaks the rule, or
 * undefined. Iterative (JSON.parse accepts nesting far deeper than the call stack), and
 * builds field paths only for a value that has a fault, so the common case builds none.
 */
export function findTextFault(value: unknown, root: string): TextFault | undefined {
  return hasFault(value) ? locate(value, root) : undefined;
}

function hasFault(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (textFault(v)) return true;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        if (textFault(key)) return true;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

function locate(value: unknown, root: string): TextFault | undefined {
  const stack: [unknown, string][] = [[value, root]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, field] = next;
    if (typeof v === 'string') {
      const problem = textFault(v);
      if (problem) return { field, problem };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { field, problem: NOT_FINITE };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${field}.${i}`]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (const key of keys) {
        const problem = textFault(key);
        if (problem) return { field, problem: `field names ${problem}` };
      }
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push([(v as Record<string, unknown>)[key], `${field}.${key}`]);
      }
    }
  }
  return undefined;
}
