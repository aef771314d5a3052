import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { reportUnhandled } from '../partner/error_burst.js';
import { envelope } from './answer.js';
import { ApiError } from './api_error.js';
import { isDependencyDown, isSchemaMissing } from './dependency_down.js';
import type { MultLogger } from './mult_logger.js';
import { warnThrottled } from './service_log.js';
import { StaCode, type StaCodeEntry } from './sta_code.js';

const BY_STATUS = new Map<number, StaCodeEntry>(Object.values(StaCode).map((s) => [s.status, s]));

function render(c: Context, sta: StaCodeEntry, msg: string, data: unknown, status = sta.status): Response {
  return c.json(envelope(c, data, sta, msg), status as ContentfulStatusCode);
}

/** Renders every failure as the envelope; only unexpected ones are logged, with the request. */
export function onError(log: MultLogger): ErrorHandler {
  return function renderError(err, c) {
    if (err instanceof ApiError) {
      if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      if (!err.sta.quiet) log.failed(`${c.req.method} ${c.req.path} -> ${err.sta.status}: ${err.message}`);
      return render(c, err.sta, err.message, err.data);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const sta = BY_STATUS.get(err.status) ?? StaCode.BAD_REQUEST;
      return render(c, sta, err.message || sta.msg, null, err.status);
    }
    if (isDependencyDown(err)) {
      warnThrottled('db-down', `database unreachable: ${err.message}`);
      return render(c, StaCode.UNAVAILABLE, 'database is unreachable, try again shortly', null);
    }
    if (isSchemaMissing(err)) {
      warnThrottled('schema-missing', `database schema is behind the code: ${err.message}`);
      return render(c, StaCode.UNAVAILABLE, 'database tables are missing: apply the migrations (npm run db -- upgrade)', null);
    }
    log.failed(`unhandled error in ${c.req.method} ${c.req.path}`, err);
    reportUnhandled(`${c.req.method} ${c.req.path}`, err);
    return render(c, StaCode.SERVER_ERROR, StaCode.SERVER_ERROR.msg, null);
  };
}

export const notFound: NotFoundHandler = function renderNotFound(c) {
  return render(c, StaCode.NOT_FOUND, `no route for ${c.req.method} ${c.req.path}`, null);
};
