import type { Context } from 'hono';
import { ApiError } from './api_error.js';
import { readBodyText } from './body_limit.js';
import { incomingHeader } from './incoming_header.js';
import { StaCode } from './sta_code.js';

const JSON_TYPE = /^application\/([\w.+-]*\+)?json\b/i;

/** Reads a JSON body: empty is `{}`, malformed is 400, a non-JSON media type is 415. */
export function readJsonBody(c: Context): Promise<unknown> {
  const type = incomingHeader(c, 'content-type');
  return readBodyText(c).then((text) => parseJsonBody(text, type));
}

function parseJsonBody(text: string, type: string | undefined): unknown {
  if (text.trim() === '') return {};
  if (type && !JSON_TYPE.test(type)) throw new ApiError(StaCode.UNSUPPORTED_MEDIA, 'body: content-type must be application/json');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(StaCode.BAD_REQUEST, `body: malformed JSON (${(err as Error).message})`);
  }
}
