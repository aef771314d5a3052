/** Turns a log text (one line, or a batch of lines joined by newlines) into what a terminal shows. */
export type Paint = (text: string) => string;

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const DIM = `${ESC}2m`;
const LEVEL_COLOUR: Readonly<Record<string, string>> = {
  ERROR: `${ESC}1;31m`, // bold red
  WARN: `${ESC}33m`, // yellow
  INFO: `${ESC}32m`, // green
  DEBUG: `${ESC}34m`, // blue
};
const TAG = `${ESC}36m`; // cyan: the worker
const RID = `${ESC}35m`; // magenta: the request id
/** `<time> <LEVEL> [w<n>] [<request id>] <message>`: the layout `MultLogger` writes. */
const LINE = /^(\S+) ([A-Z]+) (\[w\d+\] )?(\[[^\]\n]*\]) (.*)$/;

function paintLine(line: string): string {
  const m = LINE.exec(line);
  if (!m) return line; // a continuation of a multi-line message, or a notice: left as it is
  const [, time, level, tag, rid, message] = m;
  const colour = LEVEL_COLOUR[level!] ?? '';
  const shownTag = tag ? `${TAG}${tag.slice(0, -1)}${RESET} ` : '';
  const shownMessage = level === 'ERROR' ? `${colour}${message}${RESET}` : message;
  return `${DIM}${time}${RESET} ${colour}${level}${RESET} ${shownTag}${RID}${rid}${RESET} ${shownMessage}`;
}

/**
 * Colours each line: time dim, level by severity, worker tag and request id set apart, an
 * error's message red. Only escapes are added: without them the text is the same bytes.
 */
export const paintLines: Paint = (text) => (text.includes('\n') ? text.split('\n').map(paintLine).join('\n') : paintLine(text));

/**
 * Whether lines written to `stream` should be coloured, decided once at start. Follows Node's
 * own rules (`FORCE_COLOR` wins: `0`/`false` turn colour off, any other value on, even into a
 * pipe or file; else `NO_COLOR`, `NODE_DISABLE_COLORS` or `TERM=dumb` turn it off; else a
 * terminal gets colour). Production output (journald, a pipe, a file) stays plain.
 */
export function wantsColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (!stream.isTTY) return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors(env) : true;
}
