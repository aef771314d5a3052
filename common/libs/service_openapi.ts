import type { BaseConf } from './base_conf.js';
import { buildOpenApi, type OpenApiInfo, type PlainOperation } from './openapi.js';
import type { MountedRoute } from './router.js';

const PROBE = { type: 'string', enum: ['ok', 'down'] } as const;
const PLATFORM = ['platform', 'Probes and this document, outside the API version'] as const;

/** How `/health`, `/ready` and `/openapi.json` answer, for the document every HTTP service serves. */
export const PLATFORM_OPERATIONS: readonly PlainOperation[] = [
  {
    path: '/health',
    verb: 'get',
    id: 'getHealth',
    tag: PLATFORM,
    spec: {
      summary: 'Liveness: the process answers',
      answer: {
        title: 'Health',
        type: 'object',
        required: ['status', 'service', 'id'],
        properties: { status: { const: 'ok' }, service: { type: 'string' }, id: { type: 'string' } },
      },
    },
  },
  {
    path: '/ready',
    verb: 'get',
    id: 'getReady',
    tag: PLATFORM,
    spec: {
      summary: 'Readiness: databases and caches answer and the process is not draining (else 503 with this report)',
      answer: {
        title: 'Readiness',
        type: 'object',
        required: ['status', 'db', 'cache'],
        properties: { status: { type: 'string', enum: ['ready', 'degraded', 'draining'] }, db: PROBE, cache: PROBE },
      },
    },
  },
  {
    path: '/openapi.json',
    verb: 'get',
    id: 'getOpenApi',
    tag: PLATFORM,
    spec: {
      summary: 'This document (OpenAPI 3.1), without the envelope',
      answerMedia: 'application/json',
      answer: {
        type: 'object',
        required: ['openapi', 'info', 'paths'],
        properties: {
          openapi: { const: '3.1.0' },
          info: { type: 'object' },
          servers: { type: 'array' },
          tags: { type: 'array' },
          paths: { type: 'object' },
          components: { type: 'object' },
        },
      },
    },
  },
];

/** The base URL clients call: PUBLIC_URL when set, else the listen address (a wildcard one as `localhost`). */
export function publicUrl(conf: Readonly<BaseConf>): string {
  if (conf.PUBLIC_URL) return conf.PUBLIC_URL.replace(/\/+$/, '');
  const host = conf.HOST === '0.0.0.0' || conf.HOST === '::' ? 'localhost' : conf.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${conf.RUN_PORT}`;
}

/** What a service adds to its document: a title other than SERVER_NAME, how it secures a method. */
export type ServiceOpenApiOptions = Partial<Omit<OpenApiInfo, 'version' | 'servers'>>;

/** The document a service serves at `/openapi.json`: its mounted views, then the platform routes. */
export function serviceOpenApi(conf: Readonly<BaseConf>, mounted: readonly MountedRoute[], opts: ServiceOpenApiOptions = {}) {
  const info = { title: conf.SERVER_NAME, version: String(conf.VER_CODE), servers: [publicUrl(conf)], ...opts };
  return buildOpenApi(info, mounted, PLATFORM_OPERATIONS);
}
