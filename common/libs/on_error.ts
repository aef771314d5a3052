import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { reportUnhandled } from '../partner/error_burst.js';
import { envelope } from './answer.js';
import { ApiError } from './api_error.js';
import { CLIENT_CLOSED, isClientGone } from './client_gone.js';
import { dependencyError } from './dependency_down.js';
import type { MultLogger } from './mult_logger.js';
import { StaCode, type StaCodeEntry } from './sta_code.js';

const BY_STATUS = new Map<number, StaCodeEntry>(Object.values(StaCode).map((s) => [s.status, s]));

function render(c: Context, sta: StaCodeEntry, msg: string, data: unknown, status = sta.status): Response {
  return c.json(envelope(c, data, sta, msg), status as ContentfulStatusCode);
}

/**
 * Renders every failure as the envelope; only unexpected ones are logged, with the request.
 * A client that left is answered 499 (nobody reads it; the access line keeps it), a
 * dependency failure 503 with `Retry-After`: neither is a server error.
 */
export function onError(log: MultLogger): ErrorHandler {
  return function renderError(err, c) {
    if (isClientGone(err, c)) return c.body(null, CLIENT_CLOSED as ContentfulStatusCode);
    if (err instanceof ApiError) {
      if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      if (!err.sta.quiet) log.failed(`${c.req.method} ${c.req.path} -> ${err.sta.status}: ${err.message}`);
      return render(c, err.sta, err.message, err.data);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const sta = BY_STATUS.get(err.status) ?? StaCode.BAD_REQUEST;
      return render(c, sta, err.message || sta.msg, null, err.status);
    }
    const down = dependencyError(err);
    if (down) {
      for (const [k, v] of Object.entries(down.headers ?? {})) c.header(k, v);
      return render(c, down.sta, down.message, null);
    }
    log.failed(`unhandled error in ${c.req.method} ${c.req.path}`, err);
    reportUnhandled(`${c.req.method} ${c.req.path}`, err);
    return render(c, StaCode.SERVER_ERROR, StaCode.SERVER_ERROR.msg, null);
  };
}

export const notFound: NotFoundHandler = function renderNotFound(c) {
  return render(c, StaCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`, null);
};
