import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { StaCode, type StaCodeEntry } from './sta_code.js';

/**
 * Requests node's HTTP parser rejects (malformed request line, headers too large) never
 * reach Hono; this answers them with the same envelope instead of node's bare status line.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (err.code === 'ECONNRESET' && !socket.bytesRead)) {
    socket.destroy();
    return;
  }
  const sta: StaCodeEntry = err.code === 'HPE_HEADER_OVERFLOW' ? StaCode.HEADERS_TOO_LARGE : StaCode.BAD_REQUEST;
  const body = JSON.stringify({ code: sta.code, msg: `request: ${sta.msg}`, data: null, request_id: randomUUID() });
  socket.end(
    `HTTP/1.1 ${sta.status} ${sta.msg}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
