import type { Context } from 'hono';
import { ApiError } from './api_error.js';
import { ClientGoneError, connectionGone } from './client_gone.js';
import { incomingHeader } from './incoming_header.js';
import type { HostEnv } from './request_scope.js';
import { StaCode } from './sta_code.js';

function tooLarge(limit: number): ApiError {
  return new ApiError(StaCode.PAYLOAD_TOO_LARGE, `body: larger than ${limit} bytes`);
}

/** Refuses (413) a declared `Content-Length` over the limit, before anything of the request runs. */
export function refuseDeclaredTooLarge(c: Context): void {
  const limit = (c.env as HostEnv | undefined)?.bodyLimit;
  if (limit === undefined) return;
  const declared = incomingHeader(c, 'content-length');
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
}

/**
 * The request body as text, never more than the limit held in memory. A client that closes
 * its connection mid-body raises `ClientGoneError` (answered 499, not 500). One promise on the
 * common path (a declared length): no async function per step, each its own promise and turn.
 */
export function readBodyText(c: Context): Promise<string> {
  let read: Promise<string>;
  try {
    read = incomingHeader(c, 'content-length') !== undefined ? c.req.text() : readChunked(c);
  } catch (err) {
    read = Promise.reject(err); // a reader that throws at once is mapped like one that rejects
  }
  return read.catch((err: unknown) => {
    if (!(err instanceof ApiError) && connectionGone(c)) throw new ClientGoneError(err);
    throw err;
  });
}

/** A body without a declared length (chunked), counted as it arrives. */
async function readChunked(c: Context): Promise<string> {
  const limit = (c.env as HostEnv | undefined)?.bodyLimit ?? Number.POSITIVE_INFINITY;
  const reader = c.req.raw.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
