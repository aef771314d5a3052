import { isDeepStrictEqual } from 'node:util';
import { GATEHOUSE, type Row } from './rows.js';

async function dataOf(row: Row): Promise<unknown> {
  const { url, method, headers, body } = row.spec;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${row.name} ${method} ${url} answered ${res.status}: ${text}`);
  const answer = JSON.parse(text) as { code?: number; data?: unknown };
  if (answer.code !== 0) throw new Error(`${row.name} ${method} ${url} answered code ${answer.code}: ${text}`);
  return answer.data;
}

/**
 * Before any load: every row answers 200 with code 0, and the peers' `data` equals gatehouse's
 * for the same request, so every row does the same job.
 */
export async function checkSameAnswers(rows: Row[]): Promise<void> {
  for (const row of rows) {
    const data = await dataOf(row);
    const reference = rows.find((r) => r.endpoint === row.endpoint && r.name === GATEHOUSE);
    if (!reference || reference === row) continue;
    const expected = await dataOf(reference);
    if (!isDeepStrictEqual(data, expected))
      throw new Error(
        `${row.name} answers ${row.endpoint} with ${JSON.stringify(data)}, gatehouse with ${JSON.stringify(expected)}`,
      );
  }
}
