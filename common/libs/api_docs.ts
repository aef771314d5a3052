import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Context, Hono } from 'hono';
import { metered } from './http_metrics.js';

export interface ApiDocsOptions {
  /** Shown as the page's title. */
  title: string;
}

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

/** Where the page is served; its assets live under it, each at `/docs/<content hash>/<file>`. */
export const DOCS_PATH = '/docs';

/** The swagger-ui-dist files the page loads, with their content types. */
const PACKAGE_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// An inline script would need 'unsafe-inline' in the page's CSP, so the start-up call is a file too.
// The relative URL keeps the page working behind a proxy that adds a path prefix.
// validatorUrl null: the default badge asks validator.swagger.io about the document.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: 'openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  displayRequestDuration: true,
  persistAuthorization: false,
  validatorUrl: null,
});
`;

/**
 * What the page needs and nothing more: its own scripts, styles and images (swagger-ui.css
 * draws its icons as `data:` images), requests to this origin ("try it"), no framing.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The content hashes make every asset URL immutable: a new package version is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function asset(body: Uint8Array, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The folder of the installed swagger-ui-dist package (throws at start when it is missing). */
export function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/**
 * Mounts `GET /docs`, a Swagger UI page with "try it" for the service's `/openapi.json`, and
 * its assets, read from the swagger-ui-dist package once at start (no CDN: the page works
 * offline). The page authorizes nothing by itself: a caller pastes a token into "Authorize".
 */
export function mountApiDocs(app: Hono, opts: ApiDocsOptions): void {
  const dir = swaggerUiDir();
  const assets = new Map<string, Asset>();
  const urlOf: Record<string, string> = {};
  const add = (name: string, a: Asset) => {
    // relative to the page (`/docs`), like the document's URL
    urlOf[name] = `docs/${a.etag.slice(1, 13)}/${name}`;
    assets.set(`/${urlOf[name]}`, a);
  };
  for (const [name, type] of Object.entries(PACKAGE_FILES)) add(name, asset(fs.readFileSync(path.join(dir, name)), type));
  add('init.js', asset(new TextEncoder().encode(INIT_JS), 'text/javascript; charset=utf-8'));

  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)} API reference</title>
<link rel="stylesheet" href="${urlOf['swagger-ui.css']}">
<link rel="icon" type="image/png" href="${urlOf['favicon-32x32.png']}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${urlOf['swagger-ui-bundle.js']}"></script>
<script src="${urlOf['init.js']}"></script>
</body>
</html>
`;

  app.get(
    DOCS_PATH,
    metered(DOCS_PATH, function docsPage(c) {
      return c.html(page, 200, { 'Content-Security-Policy': DOCS_CSP });
    }),
  );
  const assetPath = `${DOCS_PATH}/:hash/:file`;
  app.get(
    assetPath,
    metered(assetPath, function docsAsset(c: Context) {
      const found = assets.get(c.req.path);
      if (!found) return c.notFound();
      const headers = { 'Content-Type': found.type, 'Cache-Control': IMMUTABLE, ETag: found.etag };
      if (c.req.header('if-none-match') === found.etag) return c.body(null, 304, headers);
      return c.body(found.body as Uint8Array<ArrayBuffer>, 200, headers);
    }),
  );
}
