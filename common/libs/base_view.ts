import type { Context } from 'hono';
import { type AnswerOptions, answerJson, answerPage } from './answer.js';
import type { MultLogger } from './mult_logger.js';
import { logOf } from './request_scope.js';
import type { StaCodeEntry } from './sta_code.js';

export type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const HTTP_VERBS: readonly HttpVerb[] = ['get', 'post', 'put', 'patch', 'delete'];

export type JsonSchema = Record<string, unknown>;

/**
 * What a view method declares: its input schemas (compiled once by the router), its answer
 * and its doc line. A schema with a PascalCase `title` becomes a named OpenAPI component.
 */
export interface MethodSpec {
  summary?: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** 201 for a create; documented in OpenAPI. */
  status?: number;
  /** Schema of `data` in the success envelope; with `answerMedia`, of the whole body. */
  answer?: JsonSchema;
  /** Media type of an answer sent without the envelope, e.g. `text/csv`. */
  answerMedia?: string;
  /**
   * Codes the method answers beyond those every route may (400, 413, 415, 422, 500, 503, and
   * 401/403 when secured), e.g. NOT_FOUND or CONFLICT; documented in OpenAPI.
   */
  errors?: readonly StaCodeEntry[];
  /** Set by a service base class, e.g. the role a method requires. */
  [extra: string]: unknown;
}

export type ViewSpec = Partial<Record<HttpVerb, MethodSpec>>;

export interface ViewInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

const NO_INPUT: ViewInput = Object.freeze({ params: Object.freeze({}), query: Object.freeze({}), body: undefined });

/**
 * The common view base: one class per resource, one method per verb. A service's
 * `api_base.ts` extends it and overrides `before()` with its authentication.
 */
export class BaseView {
  static spec: ViewSpec = {};
  readonly c: Context;
  readonly spec: MethodSpec;
  /** Set by the router once validated, before the verb method runs. */
  input: ViewInput = NO_INPUT;

  constructor(c: Context, spec: MethodSpec) {
    this.c = c;
    this.spec = spec;
  }

  /** Runs before input validation and the verb method: authentication and permission checks. */
  async before(): Promise<void> {}

  get log(): MultLogger {
    return logOf(this.c);
  }

  failed(msg: string, meta?: Record<string, unknown> | Error): void {
    this.log.failed(msg, meta);
  }

  protected body<T>(): T {
    return this.input.body as T;
  }

  protected query<T>(): T {
    return this.input.query as T;
  }

  protected params<T>(): T {
    return this.input.params as T;
  }

  protected answer<T>(data: T, opts?: AnswerOptions): Response {
    return answerJson(this.c, data, opts);
  }

  protected page<T>(items: T[], total: number, page: number, pageSize: number): Response {
    return answerPage(this.c, items, total, page, pageSize);
  }
}

export type ViewClass = (new (c: Context, spec: MethodSpec) => BaseView) & { spec: ViewSpec };
