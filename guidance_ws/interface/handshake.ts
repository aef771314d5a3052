import { upgradeWebSocket } from '@hono/node-server';
import type { Context, Handler } from 'hono';
import { ApiError } from '../../common/libs/api_error.js';
import { clientAddress } from '../../common/libs/client_address.js';
import { requestIdOf } from '../../common/libs/request_scope.js';
import { StaCode } from '../../common/libs/sta_code.js';
import { loginSessionRc } from '../../common/model_rc/login_session.js';
import { bearerToken, hashToken } from '../../common/partner/token.js';
import { Close } from './close_codes.js';
import type { Gateway } from './gateway.js';
import { protocolToken } from './subprotocol.js';

/** A well-formed session token, however it is passed. */
export const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

/** The session token of `?token=`, `Authorization: Bearer` or the `bearer.<token>` subprotocol, when well-formed. */
function tokenOf(c: Context): string | undefined {
  const query = c.req.query('token');
  if (query !== undefined) return TOKEN.test(query) ? query : undefined;
  return bearerToken(c.req.header('authorization')) ?? protocolToken(c.req.header('sec-websocket-protocol'));
}

/**
 * A flat copy of a text kept as long as a socket: `crypto.randomUUID()` builds the request id
 * as a tree of ~20 joined pieces (about 600 bytes of heap where a flat copy takes 56).
 */
function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * `GET /v1/guide`: checks the session token (shared session cache, database fallback), then
 * upgrades. A WebSocket client without a live session is upgraded and closed at once with
 * 4401 and the reason, which browsers can read (a refused upgrade only shows them 1006);
 * a plain HTTP request gets the envelope: 401, or 400 once authenticated.
 */
export function guideHandler(gw: Gateway): Handler {
  return async function guideUpgrade(c) {
    if (gw.draining) throw new ApiError(StaCode.UNAVAILABLE, 'server: shutting down, connect to another instance');
    const token = tokenOf(c);
    const session = token ? await loginSessionRc.resolve(token) : null;
    const reason = token ? 'token is invalid, expired or revoked' : 'a session token is required';
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      if (!session) throw new ApiError(StaCode.NOT_AUTHENTICATED, `authorization: ${reason}`);
      throw new ApiError(StaCode.BAD_REQUEST, 'upgrade: this route speaks WebSocket only');
    }
    if (!token || !session) {
      return upgradeWebSocket(c, { onOpen: (_evt, ws) => ws.close(Close.SESSION.code, reason) });
    }
    return upgradeWebSocket(c, gw.events(session, hashToken(token), flatCopy(requestIdOf(c)), clientAddress(c)), {
      onError: (err) => gw.log.failed('guide socket handler failed', err as Error),
    });
  };
}
