import type { JsonSchema, MethodSpec } from './base_view.js';
import type { MountedRoute } from './router.js';
import { StaCode } from './sta_code.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  /** Says whether a method needs a bearer token; service bases know how they authenticate. */
  isSecured?: (spec: MethodSpec) => boolean;
}

const ENVELOPE: JsonSchema = {
  type: 'object',
  properties: { code: { type: 'integer' }, msg: { type: 'string' }, data: {}, request_id: { type: 'string' } },
  required: ['code', 'msg', 'data', 'request_id'],
};

function asParameters(where: 'path' | 'query', schema: JsonSchema | undefined) {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
  }));
}

function operation(spec: MethodSpec, secured: boolean) {
  const ok = String(spec.status ?? 200);
  const op: Record<string, unknown> = {
    summary: spec.summary ?? '',
    parameters: [...asParameters('path', spec.params), ...asParameters('query', spec.query)],
    responses: {
      [ok]: { description: 'ok', content: { 'application/json': { schema: ENVELOPE } } },
      default: { description: 'error envelope', content: { 'application/json': { schema: ENVELOPE } } },
    },
  };
  if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: spec.body } } };
  if (secured) op.security = [{ bearer: [] }];
  return op;
}

/** The OpenAPI 3.1 document of the mounted routes, built once at start-up from their schemas. */
export function buildOpenApi(info: OpenApiInfo, routes: readonly MountedRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { path, view, verbs } of routes) {
    const item: Record<string, unknown> = {};
    for (const verb of verbs) {
      const spec = view.spec[verb] ?? {};
      item[verb] = operation(spec, info.isSecured?.(spec) ?? false);
    }
    paths[path.replace(/:(\w+)/g, '{$1}')] = item;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: `Business codes: ${codeList()}` },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

function codeList(): string {
  return Object.entries(StaCode)
    .map(([name, s]) => `${s.code} ${name} (HTTP ${s.status})`)
    .join('; ');
}
