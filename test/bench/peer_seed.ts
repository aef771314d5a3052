import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { type PeerSession, peerAccountKey, peerSessionKey } from './peer_env.js';

const newClient = (url: string) => createClient({ url });
type Redis = ReturnType<typeof newClient>;

/** Logs in to a gatehouse manage_system as `username`; the bearer token. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const answer = (await res.json()) as { data?: { token?: string } };
  if (!answer.data?.token) throw new Error(`login failed: ${res.status} ${JSON.stringify(answer)}`);
  return answer.data.token;
}

/** Gatehouse's own cache entry whose key ends with `:<suffix>` (prefixes belong to its models). */
async function cachedBy(redis: Pick<Redis, 'keys' | 'get'>, suffix: string, part: string): Promise<string | undefined> {
  const keys = (await redis.keys(`*:${suffix}`)).filter((k) => k.includes(part) && !k.startsWith('peer_'));
  return keys.length === 1 ? ((await redis.get(keys[0]!)) ?? undefined) : undefined;
}

/**
 * Seeds the peers' two keys for `token` with the JSON gatehouse itself caches for it (session:
 * common/model_rc/login_session.ts; account: manage_system/rc_model/account_rc.ts), copied from
 * its Redis after one /v1/auth/me; built from that answer if the entries are not found.
 * The session goes under the token (bare Hono) and under its sha256 (Hono + own middleware).
 * Returns where the JSON came from.
 */
export async function seedPeerSession(redisUrl: string, gatehouseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${gatehouseUrl}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
  const me = (await res.json()) as {
    data: { account: { id: number; username: string; role: string }; session: { expires_at: string } };
  };
  if (res.status !== 200) throw new Error(`gatehouse /v1/auth/me answered ${res.status}`);
  const hash = createHash('sha256').update(token).digest('hex');
  const redis = newClient(redisUrl);
  await redis.connect();
  try {
    let sessionText = await cachedBy(redis, hash, 'session');
    let accountText = await cachedBy(redis, String(me.data.account.id), 'account');
    const source = sessionText && accountText ? "copied from gatehouse's cache" : 'built from /v1/auth/me';
    const { account } = me.data;
    const built: PeerSession = {
      sid: 0,
      account_id: account.id,
      username: account.username,
      role: account.role,
      expires_at: Date.parse(me.data.session.expires_at),
    };
    sessionText ??= JSON.stringify(built);
    accountText ??= JSON.stringify(account);
    await redis.set(peerSessionKey(token), sessionText);
    await redis.set(peerSessionKey(hash), sessionText);
    await redis.set(peerAccountKey(account.id), accountText);
    return source;
  } finally {
    await redis.quit();
  }
}
