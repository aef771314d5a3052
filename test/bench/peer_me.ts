import type { Context } from 'hono';
import { createClient } from 'redis';
import { type PeerSession, peerAccountKey, peerEnv, peerSessionKey, refusal } from './peer_env.js';

const newClient = () => createClient({ url: peerEnv.redisUrl });
type Redis = ReturnType<typeof newClient>;

/** One node-redis client on the benchmark's private Redis, as a Hono service would open it. */
export async function connectRedis(): Promise<Redis> {
  const redis = newClient();
  redis.on('error', (err) => process.stderr.write(`redis: ${err}\n`));
  await redis.connect();
  return redis;
}

/**
 * The peers' `GET /v1/auth/me`: the bearer token's session, then its account, each one Redis
 * GET and one JSON.parse; the same answer as gatehouse's MeView. `sessionKeyOf` turns the
 * token into the session's key id (the token itself, or its hash); `answer` wraps the data.
 */
export function meHandler(
  redis: Redis,
  sessionKeyOf: (token: string) => string,
  answer: (c: Context, data: unknown) => Response,
) {
  return async (c: Context) => {
    const header = c.req.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return c.json(refusal('authorization: missing token'), 401);
    const sessionText = await redis.get(peerSessionKey(sessionKeyOf(token)));
    const session = sessionText ? (JSON.parse(sessionText) as PeerSession) : null;
    if (!session || session.expires_at <= Date.now()) return c.json(refusal('authorization: invalid token'), 401);
    const accountText = await redis.get(peerAccountKey(session.account_id));
    if (!accountText) return c.json(refusal('authorization: account no longer exists'), 401);
    const account = JSON.parse(accountText) as Record<string, unknown>;
    return answer(c, { account, session: { expires_at: new Date(session.expires_at).toISOString() } });
  };
}
