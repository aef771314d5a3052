/**
 * What the peer servers are told by the benchmark, through their environment: their port, the
 * `data` gatehouse's /health answers (so every row sends the same bytes), and the private Redis.
 */
export const peerEnv = {
  port: Number(process.env.RUN_PORT),
  healthData: JSON.parse(process.env.BENCH_HEALTH_DATA ?? '{"status":"ok"}') as Record<string, unknown>,
  redisUrl: process.env.BENCH_REDIS_URL ?? '',
};

/** The session a peer caches per token, the shape of gatehouse's LoginSessionRc (common/model_rc/login_session.ts). */
export interface PeerSession {
  sid: number;
  account_id: number;
  username: string;
  role: string;
  /** Epoch milliseconds. */
  expires_at: number;
}

/** Keys the benchmark seeds for the peers' /v1/auth/me: no TTL, so they outlive a long run. */
export const peerSessionKey = (tokenOrHash: string) => `peer_session:${tokenOrHash}`;
export const peerAccountKey = (id: number) => `peer_account:${id}`;

export const envelope = (data: unknown) => ({ code: 0, msg: 'ok', data });
export const refusal = (msg: string) => ({ code: 401, msg, data: null });
