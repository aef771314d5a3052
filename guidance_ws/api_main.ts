import type { Hono } from 'hono';
import { metered } from '../common/libs/http_metrics.js';
import type { Route } from '../common/libs/router.js';
import { fullPath } from '../common/libs/router.js';
import { mountClientModule } from './interface/client_module.js';
import type { Gateway } from './interface/gateway.js';
import { guideAsyncApi } from './interface/guide_asyncapi.js';
import { guideHandler } from './interface/handshake.js';

/** HTTP views of guidance_ws (besides /health, /ready, /openapi.json, /asyncapi.json and /client/guidance.js): none yet. */
export const ROUTES: readonly Route[] = [];

/** The WebSocket route: `/v{VER_CODE}/guide`. */
export const GUIDE_PATH = '/guide';

/**
 * Mounts the gateway's WebSocket route, `GET /client/guidance.js` (its client), and
 * `/asyncapi.json` describing the route (built once, here) unless `API_DOCS` is false.
 */
export async function mountGuide(app: Hono, gw: Gateway): Promise<void> {
  const path = fullPath(GUIDE_PATH, undefined, gw.conf.VER_CODE);
  app.get(path, metered(path, guideHandler(gw)));
  await mountClientModule(app);
  if (!gw.conf.API_DOCS) return;
  const doc = guideAsyncApi(gw.conf, path);
  app.get(
    '/asyncapi.json',
    metered('/asyncapi.json', (c) => c.json(doc)),
  );
}
