/** A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` in the text taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** `-created_at` -> `[['created_at', 'DESC']]`. */
export function orderBy(sort: string): [string, 'ASC' | 'DESC'][] {
  return sort.startsWith('-') ? [[sort.slice(1), 'DESC']] : [[sort, 'ASC']];
}
