import type { Context, Hono } from 'hono';
import { ApiError } from './api_error.js';
import { BaseView, HTTP_VERBS, type HttpVerb, type MethodSpec, type ViewClass, type ViewInput } from './base_view.js';
import { refuseDeclaredTooLarge } from './body_limit.js';
import { closed } from './closed_schema.js';
import { routeMeter } from './http_metrics.js';
import { compileJsonInput, compileTextInput, type InputCheck } from './input_check.js';
import { readJsonBody } from './read_input.js';
import type { HostEnv } from './request_scope.js';
import { StaCode } from './sta_code.js';

/** `[path, ViewClass, version?]`: version mounts at `/v{version}{path}`, else at the default version. */
export type Route = readonly [path: string, view: ViewClass, version?: number];

export interface MountedRoute {
  path: string;
  view: ViewClass;
  verbs: HttpVerb[];
  /** The version the route names itself (not the default one). */
  version?: number;
}

interface CompiledVerb {
  verb: HttpVerb;
  spec: MethodSpec;
  params?: InputCheck<Record<string, unknown>>;
  query?: InputCheck<Record<string, unknown>>;
  body?: InputCheck<unknown>;
}

/** Compiles a verb's input checks; throws at start-up for a numeric field without bounds. */
function compileVerb(verb: HttpVerb, spec: MethodSpec, full: string): CompiledVerb {
  const compiled: CompiledVerb = { verb, spec };
  const owner = `${verb.toUpperCase()} ${full}`;
  if (spec.params) compiled.params = compileTextInput(spec.params, 'params', owner);
  if (spec.query) compiled.query = compileTextInput(closed(spec.query), 'query', owner);
  if (spec.body) compiled.body = compileJsonInput(closed(spec.body), 'body', owner);
  return compiled;
}

/** Checks the request's params, query and body against the verb's schemas, then runs the verb. */
function checkAndRun(c: Context, view: BaseView, entry: CompiledVerb): Promise<Response> {
  const params: Record<string, unknown> = c.req.param();
  const query: Record<string, unknown> = c.req.query();
  entry.params?.(params);
  entry.query?.(query);
  const verb = (view as unknown as Record<HttpVerb, () => Promise<Response>>)[entry.verb];
  const check = entry.body;
  if (!check) {
    view.input = { params, query, body: undefined };
    return verb.call(view);
  }
  return readJsonBody(c).then((raw) => {
    view.input = { params, query, body: check(raw) } satisfies ViewInput;
    return verb.call(view);
  });
}

export function fullPath(path: string, version: number | undefined, verCode: number | undefined): string {
  const v = version ?? verCode;
  return v ? `/v${v}${path}` : path;
}

/**
 * Mounts every route: schemas compiled here, once, and its request meter resolved (answers
 * are counted under the route template); a verb the view lacks answers 405.
 * Throws (stopping start-up) when a route's integer or number field has no explicit bounds.
 */
export function mountRoutes(app: Hono, routes: readonly Route[], verCode?: number): MountedRoute[] {
  return routes.map(([path, View, version]) => {
    const full = fullPath(path, version, verCode);
    const table = new Map<string, CompiledVerb>();
    for (const verb of HTTP_VERBS) {
      if (typeof (View.prototype as unknown as Record<string, unknown>)[verb] !== 'function') continue;
      table.set(verb.toUpperCase(), compileVerb(verb, View.spec[verb] ?? {}, full));
    }
    const allow = [...table.keys(), ...(table.has('GET') ? ['HEAD'] : [])].join(', ');
    const meter = routeMeter(full);

    // A view without its own `before()` skips awaiting the empty one: a promise and a turn less per request.
    const hasBefore = View.prototype.before !== BaseView.prototype.before;

    app.all(full, function dispatchView(c: Context): Response | Promise<Response> {
      const env = c.env as HostEnv | undefined;
      if (env) env.meter = meter;
      const entry = table.get(c.req.method === 'HEAD' ? 'GET' : c.req.method);
      if (!entry) {
        throw new ApiError(StaCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed on ${full}`, null, { Allow: allow });
      }
      refuseDeclaredTooLarge(c);
      const view = new View(c, entry.spec);
      return hasBefore ? view.before().then(() => checkAndRun(c, view, entry)) : checkAndRun(c, view, entry);
    });
    return { path: full, view: View, verbs: table.size ? [...table.values()].map((e) => e.verb) : [], version };
  });
}
