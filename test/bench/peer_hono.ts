import { serve } from '@hono/node-server';
import { Ajv } from 'ajv';
import { type Context, Hono } from 'hono';
import { ECHO_BODY_SCHEMA } from './echo_schema.js';
import { envelope, peerEnv } from './peer_env.js';
import { connectRedis, meHandler } from './peer_me.js';

/**
 * Bare Hono: the least a Hono handler does for the same answers as gatehouse. /health; /v1/auth/me
 * keyed by the raw token; POST /v1/echo checked against the echo view's schema, compiled once.
 */
export async function startBareHono(): Promise<void> {
  const redis = await connectRedis();
  const validEcho = new Ajv().compile(ECHO_BODY_SCHEMA);
  const app = new Hono();
  const answer = (c: Context, data: unknown) => c.json(envelope(data));
  app.get('/health', (c) => answer(c, peerEnv.healthData));
  app.get(
    '/v1/auth/me',
    meHandler(redis, (token) => token, answer),
  );
  app.post('/v1/echo', async (c) => {
    const body: unknown = await c.req.json();
    if (!validEcho(body)) return c.json({ code: 400, msg: 'body: invalid', data: null }, 400);
    return c.json(envelope(body));
  });
  serve({ fetch: app.fetch, port: peerEnv.port, hostname: '127.0.0.1' });
}
