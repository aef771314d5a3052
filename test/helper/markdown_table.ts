/** One row of a markdown table: header cell text -> cell text (trimmed, markup kept). */
export type TableRow = Record<string, string>;

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());
}

/**
 * The rows of the first markdown table in `text` whose header's first cell is `firstHeader`
 * (cells must not contain `|`). Throws when there is none, so a renamed table fails loudly.
 */
export function markdownTable(text: string, firstHeader: string): TableRow[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('|') && cells(l)[0] === firstHeader);
  if (start < 0) throw new Error(`no markdown table starting with the column "${firstHeader}"`);
  const header = cells(lines[start]!);
  const rows: TableRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    const row = cells(line);
    rows.push(Object.fromEntries(header.map((h, i) => [h, row[i] ?? ''])));
  }
  return rows;
}
