import type { Context } from 'hono';
import { incomingHeader } from '../../common/libs/incoming_header.js';
import { clientIp } from '../../common/libs/request_scope.js';

/** Who is asking: ip and user agent as they are recorded with logins and sessions. */
export function requestMeta(c: Context): { ip: string; userAgent: string } {
  return { ip: clientIp(c).slice(0, 64), userAgent: (incomingHeader(c, 'user-agent') ?? '').slice(0, 255) };
}
