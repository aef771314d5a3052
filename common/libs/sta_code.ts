/**
 * The one table of business codes. Every answer, HTTP or WebSocket, carries one of these;
 * `status` is the HTTP status it travels with, `quiet` marks an expected client error
 * that is logged without a stack trace.
 */
export interface StaCodeEntry {
  readonly code: number;
  readonly status: number;
  readonly msg: string;
  readonly quiet: boolean;
}

function entry(code: number, status: number, msg: string): StaCodeEntry {
  return Object.freeze({ code, status, msg, quiet: status < 500 });
}

export const StaCode = Object.freeze({
  OK: entry(0, 200, 'ok'),
  BAD_REQUEST: entry(11, 400, 'malformed request'),
  BAD_ARGUMENT: entry(12, 422, 'bad argument'),
  NOT_AUTHENTICATED: entry(13, 401, 'not authenticated'),
  ACCOUNT_LOCKED: entry(14, 423, 'account locked, try again later'),
  FORBIDDEN: entry(15, 403, 'forbidden'),
  CONFLICT: entry(16, 409, 'conflict'),
  RATE_LIMITED: entry(17, 429, 'too many requests'),
  UNSUPPORTED_MEDIA: entry(18, 415, 'unsupported media type'),
  NOT_FOUND: entry(404, 404, 'not found'),
  METHOD_NOT_ALLOWED: entry(405, 405, 'method not allowed'),
  PAYLOAD_TOO_LARGE: entry(413, 413, 'payload too large'),
  HEADERS_TOO_LARGE: entry(431, 431, 'request headers too large'),
  SERVER_ERROR: entry(500, 500, 'internal server error'),
  UNAVAILABLE: entry(503, 503, 'service unavailable'),
});

export type StaCodeName = keyof typeof StaCode;
