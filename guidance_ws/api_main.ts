import type { Hono } from 'hono';
import type { Route } from '../common/libs/router.js';
import { fullPath } from '../common/libs/router.js';
import { mountClientModule } from './interface/client_module.js';
import type { Gateway } from './interface/gateway.js';
import { guideHandler } from './interface/handshake.js';

/** HTTP views of guidance_ws (besides /health, /ready and /openapi.json): none yet. */
export const ROUTES: readonly Route[] = [];

/** The WebSocket route: `/v{VER_CODE}/guide`. */
export const GUIDE_PATH = '/guide';

/** Mounts the gateway's WebSocket route and `GET /client/guidance.js`, its client. */
export async function mountGuide(app: Hono, gw: Gateway): Promise<void> {
  app.get(fullPath(GUIDE_PATH, undefined, gw.conf.VER_CODE), guideHandler(gw));
  await mountClientModule(app);
}
