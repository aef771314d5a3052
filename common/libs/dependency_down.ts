import { BaseError, ConnectionAcquireTimeoutError, ConnectionError } from 'sequelize';
import { ApiError } from './api_error.js';
import { RedisNoPrimaryError } from './redis_no_primary.js';
import { StaCode } from './sta_code.js';

/** Driver codes that mean the database could not be reached, not that the query was wrong. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
]);

/** Driver codes that mean the database is there but has no room for this request now. */
const BUSY_CODES = new Set(['ER_CON_COUNT_ERROR', 'SQLITE_BUSY']);

/** Seconds a client is told to wait (`Retry-After`) before trying again. */
export const RETRY_AFTER_SECONDS = 5;

/** A failure that is a dependency's, not the request's: answered 503 on every interface. */
export interface DependencyFailure {
  dependency: 'database' | 'redis';
  /** `unreachable`, `busy` (pool exhausted, too many connections) or `schema` (tables missing). */
  kind: 'unreachable' | 'busy' | 'schema';
  /** The outage in a few words, for logs: `database busy`. */
  what: string;
  /** What a client is told: `database busy, try again shortly`. */
  msg: string;
  /** The driver's own words, for the log. */
  cause: string;
}

function driverCode(err: BaseError): string | undefined {
  const parent = (err as { parent?: { code?: string; errno?: unknown } }).parent;
  const code = parent?.code ?? (err as { original?: { code?: string } }).original?.code;
  return typeof code === 'string' ? code : undefined;
}

function failure(
  dependency: DependencyFailure['dependency'],
  kind: DependencyFailure['kind'],
  what: string,
  cause: string,
): DependencyFailure {
  const msg = kind === 'schema' ? what : `${what}, try again shortly`;
  return { dependency, kind, what, msg, cause };
}

function causeOf(err: Error): string {
  const parent = (err as { parent?: Error }).parent;
  return parent?.message || err.message || err.name;
}

function databaseFailure(err: unknown): DependencyFailure | undefined {
  if (!(err instanceof BaseError)) return undefined;
  const code = driverCode(err);
  if (err instanceof ConnectionAcquireTimeoutError || (code && BUSY_CODES.has(code))) {
    return failure('database', 'busy', 'database busy', causeOf(err));
  }
  if (err instanceof ConnectionError || (code && UNREACHABLE_CODES.has(code))) {
    return failure('database', 'unreachable', 'database is unreachable', causeOf(err));
  }
  const parent = (err as { parent?: { message?: string } }).parent;
  if (code === 'ER_NO_SUCH_TABLE' || /no such table/i.test(parent?.message ?? '')) {
    return failure(
      'database',
      'schema',
      'database tables are missing: apply the migrations (npm run db -- upgrade)',
      causeOf(err),
    );
  }
  return undefined;
}

let redisUnreachable: (err: unknown) => err is Error = (err): err is Error => err instanceof RedisNoPrimaryError;

/**
 * Set by `redis_unreachable.ts`, which every Redis back end imports: node-redis (about 0.2 s
 * of CPU to load) is loaded only by a process that opens Redis, and no node-redis error can
 * exist before it is.
 */
export function classifyRedisErrors(check: (err: unknown) => err is Error): void {
  redisUnreachable = check;
}

function redisFailure(err: unknown): DependencyFailure | undefined {
  if (!redisUnreachable(err)) return undefined;
  return failure('redis', 'unreachable', 'redis is unreachable', err.message);
}

/**
 * Classifies a failure as a dependency's (database unreachable or busy, schema missing,
 * Redis unreachable), or undefined when it is not one. The one classification that the
 * HTTP error handler, the WebSocket error boundary, the scripts and the state lines share.
 */
export function dependencyFailure(err: unknown): DependencyFailure | undefined {
  return databaseFailure(err) ?? redisFailure(err);
}

/** The 503 answer (`Retry-After` included) for a dependency failure, or undefined when `err` is not one. */
export function dependencyError(err: unknown): ApiError | undefined {
  const failure = dependencyFailure(err);
  if (!failure) return undefined;
  return new ApiError(StaCode.UNAVAILABLE, failure.msg, null, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
}
