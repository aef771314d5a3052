import type { StaCodeEntry } from './sta_code.js';

/** A failure with a business code; `onError` renders it as the envelope. */
export class ApiError extends Error {
  readonly sta: StaCodeEntry;
  readonly data: unknown;
  readonly headers: Record<string, string> | undefined;

  constructor(sta: StaCodeEntry, msg?: string, data?: unknown, headers?: Record<string, string>) {
    super(msg ?? sta.msg);
    this.name = 'ApiError';
    this.sta = sta;
    this.data = data ?? null;
    this.headers = headers;
  }
}
