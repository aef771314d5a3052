/** What the heartbeat needs of a connection. */
export interface HeartbeatPeer {
  /** Epoch ms of the last frame or pong from the peer. */
  lastSeen: number;
  ping(): void;
  /** The peer stayed silent past the timeout. */
  drop(): void;
}

export interface HeartbeatOptions {
  intervalMs: number;
  /** Silence longer than this drops the peer. */
  timeoutMs: number;
}

/**
 * One timer for every connection (not one per socket): each tick pings the live peers and
 * drops the ones silent past the timeout. Returns the function that stops it.
 */
export function startHeartbeat(peers: () => Iterable<HeartbeatPeer>, opts: HeartbeatOptions): () => void {
  const timer = setInterval(function heartbeatTick() {
    const now = Date.now();
    for (const peer of peers()) {
      if (now - peer.lastSeen > opts.timeoutMs) peer.drop();
      else peer.ping();
    }
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
