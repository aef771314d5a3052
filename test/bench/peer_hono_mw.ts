import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { logger } from 'hono/logger';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { envelope, peerEnv } from './peer_env.js';
import { connectRedis, meHandler } from './peer_me.js';

/**
 * Hono + own middleware: what a team would write instead of gatehouse. Request ids, a request log
 * to a file (`$LOG_DIR/access.log`, one fs write stream), secure headers, a 1 MiB body limit;
 * the envelope carries the request id as gatehouse's does; /health, and /v1/auth/me keyed by the token's sha256 like gatehouse's session cache.
 */
export async function startHonoWithMiddleware(): Promise<void> {
  const redis = await connectRedis();
  const logFile = fs.createWriteStream(path.join(process.env.LOG_DIR ?? '.', 'access.log'), { flags: 'a' });
  const app = new Hono();
  app.use(requestId());
  app.use(logger((line) => logFile.write(`${new Date().toISOString()} ${line}\n`)));
  app.use(secureHeaders());
  app.use(bodyLimit({ maxSize: 1024 * 1024 }));
  const answer = (c: Context, data: unknown) => c.json({ ...envelope(data), request_id: c.get('requestId') });
  app.get('/health', (c) => answer(c, peerEnv.healthData));
  app.get(
    '/v1/auth/me',
    meHandler(redis, (token) => createHash('sha256').update(token).digest('hex'), answer),
  );
  serve({ fetch: app.fetch, port: peerEnv.port, hostname: '127.0.0.1' });
}
