import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { metered } from '../../common/libs/http_metrics.js';

/** Where the gateway serves its client, as one ES module (as socket.io serves its own). */
export const CLIENT_PATH = '/client/guidance.js';

/** The client's entry, beside this folder. */
const ENTRY = fileURLToPath(new URL('../client/guidance_client.ts', import.meta.url));
/** The bundle `npm run build` writes beside the compiled client (dist/guidance_ws/client/). */
export const CLIENT_BUNDLE = fileURLToPath(new URL('../client/guidance.bundle.js', import.meta.url));

/**
 * Bundles `guidance_ws/client/` into one ES module text with esbuild (tsx's own dependency,
 * so present wherever the TypeScript sources run; imported only here, never in `dist/`).
 */
export async function bundleClient(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    banner: { js: '// guidance client (guidance.v1), bundled from guidance_ws/client/ of gatehouse' },
  });
  return out.outputFiles[0]!.text;
}

/**
 * Mounts `GET /client/guidance.js`: the bundle `npm run build` made when running from
 * `dist/`, else (running the sources) one made now, once, at start.
 */
export async function mountClientModule(app: Hono): Promise<void> {
  const source = fs.existsSync(CLIENT_BUNDLE) ? fs.readFileSync(CLIENT_BUNDLE, 'utf8') : await bundleClient().catch(noBundle);
  const body = Buffer.from(source);
  app.get(
    CLIENT_PATH,
    metered(CLIENT_PATH, function clientModule(c) {
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      // A page on another origin imports it with a CORS request; it holds no secret.
      c.header('Access-Control-Allow-Origin', '*');
      return c.body(body);
    }),
  );
}

function noBundle(err: Error): never {
  throw new Error(`${CLIENT_PATH}: no ${CLIENT_BUNDLE} (npm run build makes it) and esbuild cannot bundle it: ${err.message}`);
}
