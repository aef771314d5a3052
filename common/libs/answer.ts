import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { requestIdOf } from './request_scope.js';
import { StaCode, type StaCodeEntry } from './sta_code.js';

export interface Envelope<T = unknown> {
  code: number;
  msg: string;
  data: T;
  request_id: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}

export interface AnswerOptions {
  sta?: StaCodeEntry;
  msg?: string;
  /** Overrides the status of `sta`, e.g. 201 on create. */
  status?: number;
}

export function envelope<T>(c: Context, data: T, sta: StaCodeEntry, msg?: string): Envelope<T> {
  return { code: sta.code, msg: msg ?? sta.msg, data, request_id: requestIdOf(c) };
}

/** Answers `{code, msg, data, request_id}`. */
export function answerJson<T>(c: Context, data: T, opts: AnswerOptions = {}): Response {
  const sta = opts.sta ?? StaCode.OK;
  return c.json(envelope(c, data, sta, opts.msg), (opts.status ?? sta.status) as ContentfulStatusCode);
}

/** Answers a page `{items, total, page, page_size}` inside the envelope. */
export function answerPage<T>(c: Context, items: T[], total: number, page: number, pageSize: number): Response {
  const data: Page<T> = { items, total, page, page_size: pageSize };
  return answerJson(c, data);
}
