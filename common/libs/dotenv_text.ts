/**
 * The `.env` grammar dotenv users know: `KEY=value`, an optional `export ` prefix, values
 * in double, single or back quotes (which may span lines; `\n` and `\r` expand in double
 * quotes only), unquoted values trimmed and cut at `#`, blank lines and `#` comments.
 * Unlike dotenv (and node's `util.parseEnv`), a line that is none of these is an error,
 * not skipped: a typo must not start a service on its defaults.
 */

/** A line of a `.env` text that fits no rule; `line` counts from 1. The message never quotes the line (it may hold a secret). */
export class DotenvSyntaxError extends Error {
  override name = 'DotenvSyntaxError';
  constructor(
    readonly line: number,
    why: string,
  ) {
    super(why);
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$/;
const QUOTES = `"'\``;

/** Parses `.env` text into name -> value (a later line wins); throws DotenvSyntaxError. */
export function parseDotenv(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) throw new DotenvSyntaxError(i + 1, whyNotAssignment(line));
    const [, key, rest] = match as unknown as [string, string, string];
    const quote = rest[0] ?? '';
    if (!quote || !QUOTES.includes(quote)) {
      values[key] = rest.replace(/#.*$/, '').trim();
      continue;
    }
    // A quoted value runs to the next unescaped closing quote, on this line or a later one.
    const start = i;
    let body = rest.slice(1);
    let close = closingQuote(body, quote);
    while (close < 0 && i + 1 < lines.length) {
      body += `\n${lines[++i]}`;
      close = closingQuote(body, quote);
    }
    if (close < 0) throw new DotenvSyntaxError(start + 1, `the ${quote} quote opened here is never closed`);
    if (!/^\s*(#.*)?$/.test(body.slice(close + 1)))
      throw new DotenvSyntaxError(i + 1, `text after the closing ${quote} quote (only a # comment may follow)`);
    const value = body.slice(0, close);
    values[key] = quote === '"' ? value.replaceAll('\\n', '\n').replaceAll('\\r', '\r') : value;
  }
  return values;
}

function closingQuote(body: string, quote: string): number {
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === quote) return i;
  }
  return -1;
}

function whyNotAssignment(line: string): string {
  if (!line.includes('=')) return "not a KEY=value line (no '='), a # comment or a blank line";
  return "the name before '=' must be letters, digits, '_', '.' or '-' (an optional 'export ' may precede it)";
}
