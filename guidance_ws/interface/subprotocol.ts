/**
 * The one WebSocket subprotocol the gateway speaks. A client that offers subprotocols gets
 * this one selected when it is among them, and none otherwise: the gateway never agrees to
 * a protocol it does not implement, and never selects (echoes) a `bearer.<token>` offer.
 */
export const GUIDE_PROTOCOL = 'guidance.v1';

const BEARER = /^bearer\.([A-Za-z0-9_-]{16,256})$/;

/** `handleProtocols` of the `ws` server: `GUIDE_PROTOCOL` if offered, else no subprotocol. */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(GUIDE_PROTOCOL) ? GUIDE_PROTOCOL : false;
}

/**
 * The session token a browser passes as the subprotocol `bearer.<token>` (it cannot set
 * `Authorization` on a WebSocket), from a `Sec-WebSocket-Protocol` header; undefined if none.
 */
export function protocolToken(header: string | undefined): string | undefined {
  for (const offer of header?.split(',') ?? []) {
    const match = BEARER.exec(offer.trim());
    if (match) return match[1];
  }
  return undefined;
}
