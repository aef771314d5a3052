import type { HttpVerb, JsonSchema, MethodSpec } from './base_view.js';
import { closed } from './closed_schema.js';
import { SchemaComponents } from './openapi_components.js';
import { errorCodesOf, errorComponents, errorResponses } from './openapi_errors.js';
import type { MountedRoute } from './router.js';
import { StaCode } from './sta_code.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  /** Base URLs clients call (the document's `servers`). */
  servers: readonly string[];
  /** Says whether a method needs a bearer token; service bases know how they authenticate. */
  isSecured?: (spec: MethodSpec) => boolean;
}

/** A route served outside the views (`/health`...): always public. */
export interface PlainOperation {
  path: string;
  verb: HttpVerb;
  /** The operation's name; views get theirs from `operationIdOf`. */
  id: string;
  spec: MethodSpec;
  /** Its tag and the tag's description; views are tagged by resource. */
  tag: readonly [name: string, description: string];
}

const ENVELOPE: JsonSchema = {
  type: 'object',
  description: 'Every JSON answer: `code` 0 is success, any other a business code (see the error responses).',
  required: ['code', 'msg', 'data', 'request_id'],
  properties: {
    code: { type: 'integer' },
    msg: { type: 'string' },
    data: { description: 'typed per operation' },
    request_id: { type: 'string', description: 'also sent as `X-Request-Id`' },
  },
};

const BEARER = { type: 'http', scheme: 'bearer', description: 'a session token, as a sign-in returns it' };

/**
 * The stable name of a view's operation: the verb, then the class name without `View`
 * (`AccountListView.post` -> `postAccountList`), then `V{n}` when the route names its version.
 */
export function operationIdOf(viewName: string, verb: HttpVerb, version?: number): string {
  return `${verb}${viewName.replace(/View$/, '')}${version ? `V${version}` : ''}`;
}

/** A resource's tag: the first path segment after the version (`/v1/accounts/{id}` -> `accounts`). */
function resourceTag(path: string): readonly [string, string] {
  const [, version = '', segment] = /^(\/v\d+(?=\/))?\/([^/]*)/.exec(path) ?? [];
  const name = segment || 'root';
  return [name, `Operations under \`${version}/${segment ?? ''}\``];
}

class DocBuilder {
  readonly components = new SchemaComponents();
  readonly errorsUsed = new Set<number>();
  readonly paths: Record<string, Record<string, unknown>> = {};
  readonly tags = new Map<string, string>();
  private readonly ids = new Set<string>();
  secured = false;

  add(path: string, verb: HttpVerb, id: string, spec: MethodSpec, secured: boolean, tagged = resourceTag(path)): void {
    if (this.ids.has(id)) throw new Error(`OpenAPI: operationId ${id} is used twice (${verb.toUpperCase()} ${path})`);
    this.ids.add(id);
    this.secured ||= secured;
    const [tag, description] = tagged;
    if (!this.tags.has(tag)) this.tags.set(tag, description);
    const oaPath = path.replace(/:(\w+)/g, '{$1}');
    this.paths[oaPath] ??= {};
    this.paths[oaPath][verb] = this.operation(id, tag, spec, secured);
  }

  private operation(id: string, tag: string, spec: MethodSpec, secured: boolean) {
    const op: Record<string, unknown> = {
      operationId: id,
      tags: [tag],
      summary: spec.summary ?? id,
      security: secured ? [{ bearer: [] }] : [],
      parameters: [...this.parameters('path', spec.params), ...this.parameters('query', spec.query)],
    };
    if (spec.query) op.description = 'Unknown query parameters are refused (422).';
    if (spec.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: this.components.named(closed(spec.body)) } } };
    }
    const ok = spec.status ?? 200;
    op.responses = {
      [String(ok)]: { description: ok === 201 ? 'created' : 'ok', content: this.success(spec) },
      ...errorResponses(errorCodesOf(spec, secured), this.errorsUsed),
    };
    return op;
  }

  private success(spec: MethodSpec) {
    if (spec.answerMedia) return { [spec.answerMedia]: { schema: this.components.named(spec.answer ?? {}) } };
    const data = spec.answer ? this.components.named(spec.answer) : {};
    const schema = {
      allOf: [
        { $ref: '#/components/schemas/Envelope' },
        { type: 'object', properties: { code: { const: StaCode.OK.code }, data } },
      ],
    };
    return { 'application/json': { schema } };
  }

  private parameters(where: 'path' | 'query', schema: JsonSchema | undefined) {
    const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((schema?.required as string[] | undefined) ?? []);
    return Object.entries(props).map(([name, s]) => ({
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: this.components.named(s),
    }));
  }
}

/** The OpenAPI 3.1 document of the mounted routes and the plain ones, built once at start-up from their specs. */
export function buildOpenApi(info: OpenApiInfo, routes: readonly MountedRoute[], plain: readonly PlainOperation[] = []) {
  const doc = new DocBuilder();
  for (const op of plain) doc.add(op.path, op.verb, op.id, op.spec, false, op.tag);
  for (const { path, view, verbs, version } of routes) {
    for (const verb of verbs) {
      const spec = view.spec[verb] ?? {};
      doc.add(path, verb, operationIdOf(view.name, verb, version), spec, info.isSecured?.(spec) ?? false);
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: `Business codes: ${codeList()}` },
    servers: info.servers.map((url) => ({ url })),
    tags: [...doc.tags].map(([name, description]) => ({ name, description })),
    paths: doc.paths,
    components: {
      schemas: { Envelope: ENVELOPE, ...doc.components.schemas },
      responses: errorComponents(doc.errorsUsed),
      ...(doc.secured ? { securitySchemes: { bearer: BEARER } } : {}),
    },
  };
}

function codeList(): string {
  return Object.entries(StaCode)
    .map(([name, s]) => `${s.code} ${name} (HTTP ${s.status})`)
    .join('; ');
}
