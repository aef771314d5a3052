import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  TimeoutError as RedisTimeoutError,
  SocketClosedUnexpectedlyError,
} from 'redis';
import { classifyRedisErrors } from './dependency_down.js';
import { RedisNoPrimaryError } from './redis_no_primary.js';

/** A node-redis error that says the server (or a Sentinel set's primary) cannot be reached, not that a command was wrong. */
export function isRedisUnreachable(err: unknown): err is Error {
  return (
    err instanceof ClientClosedError ||
    err instanceof ClientOfflineError ||
    err instanceof SocketClosedUnexpectedlyError ||
    err instanceof ConnectionTimeoutError ||
    err instanceof RedisTimeoutError ||
    err instanceof RedisNoPrimaryError
  );
}

// Importing this module (every Redis back end does) makes `dependencyFailure` know these errors.
classifyRedisErrors(isRedisUnreachable);
