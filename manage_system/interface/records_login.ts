import { Op, type WhereOptions } from 'sequelize';
import { csvLine } from '../../common/func/csv.js';
import { PAGE_QUERY_PROPS, type PageQuery, pageSchemaOf, pageWindow } from '../../common/func/paging.js';
import { MAY_LAG } from '../../common/libs/db_replicas.js';
import { dependencyFailure } from '../../common/libs/dependency_down.js';
import { ID_MAX } from '../../common/libs/number_bounds.js';
import { type ManageSpec, ManageView } from '../api_base.js';
import { LoginResult } from '../db_model/enums.js';
import { RecordsLogin } from '../db_model/records_login.js';
import { INSTANT } from './account_schemas.js';

interface RecordFilter {
  account_id?: number;
  username?: string;
  result?: string;
  since?: string;
  until?: string;
}

const FILTER_PROPS = {
  account_id: { type: 'integer', minimum: 1, maximum: ID_MAX },
  username: { type: 'string', maxLength: 64 },
  result: LoginResult.schema(),
  since: { type: 'string', format: 'date-time' },
  until: { type: 'string', format: 'date-time' },
};

/** A login attempt as answers show it (`RecordsLogin.toPublic()`); the CSV has the same columns. */
const LOGIN_RECORD = {
  title: 'LoginRecord',
  type: 'object',
  required: ['id', 'account_id', 'username', 'ip', 'user_agent', 'result', 'created_at'],
  properties: {
    id: { type: 'integer', minimum: 1 },
    account_id: { type: ['integer', 'null'], minimum: 1, description: 'null when no account has the username' },
    username: { type: 'string' },
    ip: { type: 'string' },
    user_agent: { type: 'string' },
    result: LoginResult.schema(),
    created_at: INSTANT,
  },
};

function whereOf(f: RecordFilter): WhereOptions {
  const where: Record<string | symbol, unknown> = {};
  if (f.account_id) where.account_id = f.account_id;
  if (f.username) where.username = f.username.toLowerCase();
  if (f.result) where.result = f.result;
  if (f.since || f.until) {
    where.created_at = {
      ...(f.since ? { [Op.gte]: new Date(f.since) } : {}),
      ...(f.until ? { [Op.lt]: new Date(f.until) } : {}),
    };
  }
  return where as WhereOptions;
}

/** `GET /records/login`: login attempts, newest first, filtered and paged. */
export class LoginRecordListView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    get: {
      summary: 'List login records (filters: account_id, username, result, since, until)',
      query: { type: 'object', properties: { ...PAGE_QUERY_PROPS, ...FILTER_PROPS } },
      answer: pageSchemaOf(LOGIN_RECORD),
    },
  };

  async get() {
    const q = this.query<RecordFilter & PageQuery>();
    const { rows, count } = await RecordsLogin.findAndCountAll({
      where: whereOf(q),
      order: [['id', 'DESC']],
      ...pageWindow(q),
      ...MAY_LAG,
    });
    return this.page(
      rows.map((r) => r.toPublic()),
      count,
      q.page,
      q.page_size,
    );
  }
}

const CSV_COLUMNS = ['id', 'account_id', 'username', 'ip', 'user_agent', 'result', 'created_at'] as const;
const BATCH = 1000;

/** One batch of the export: the newest `BATCH` matching records older than `beforeId`. */
function exportBatch(where: WhereOptions, beforeId: number | undefined): Promise<RecordsLogin[]> {
  return RecordsLogin.findAll({
    where: beforeId ? { [Op.and]: [where, { id: { [Op.lt]: beforeId } }] } : where,
    order: [['id', 'DESC']],
    limit: BATCH,
    ...MAY_LAG,
  });
}

/**
 * `GET /records/login/export`: the same filter as CSV, streamed in batches (never all rows
 * in memory). The input is validated and the first batch read before the 200 goes out, so
 * bad input or a failing query answers the JSON envelope instead of a cut-off CSV.
 */
export class LoginRecordExportView extends ManageView {
  static override spec: Record<string, ManageSpec> = {
    get: {
      summary: 'Export login records as CSV (UTF-8 with BOM)',
      query: { type: 'object', properties: FILTER_PROPS },
      answerMedia: 'text/csv',
      answer: { type: 'string', description: `UTF-8 with BOM; a header row, then one row per record: ${CSV_COLUMNS.join(',')}` },
    },
  };

  async get() {
    const where = whereOf(this.query<RecordFilter>());
    let rows = await exportBatch(where, undefined);
    const log = this.log;
    // Set when the client closes the download: the batch in flight then has nowhere to go.
    let cancelled = false;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`\ufeff${csvLine(CSV_COLUMNS)}`));
      },
      async pull(controller) {
        try {
          if (rows.length) controller.enqueue(encoder.encode(rows.map((r) => csvLine(CSV_COLUMNS.map((k) => r[k]))).join('')));
          if (rows.length < BATCH) controller.close();
          else rows = await exportBatch(where, rows[rows.length - 1]?.id);
        } catch (err) {
          if (cancelled) return;
          // The status line is out: an outage can only cut the file short, and the state line says why.
          const down = dependencyFailure(err);
          if (down) log.warn(`login record export cut short: ${down.what}`);
          else log.failed('login record export failed', err as Error);
          controller.error(err);
        }
      },
      cancel() {
        cancelled = true;
      },
    });
    return this.c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="login_records.csv"',
    });
  }
}
