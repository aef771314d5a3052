import type { Context } from 'hono';
import { ApiError } from './api_error.js';
import { StaCode } from './sta_code.js';

/** Reads a JSON body: empty is `{}`, malformed is 400, a non-JSON media type is 415. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type');
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ApiError(StaCode.UNSUPPORTED_MEDIA, 'body: content-type must be application/json');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(StaCode.BAD_REQUEST, `body: malformed JSON (${(err as Error).message})`);
  }
}
