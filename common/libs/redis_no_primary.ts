/**
 * A command on a Sentinel set found no primary to run on: a failover is under way (the old
 * primary is gone and none is promoted yet), the known primary turned replica (READONLY), or
 * the command waited past the stall timeout for the set to settle. The HTTP and WebSocket
 * error boundaries answer it like Redis being down (503 "redis is unreachable").
 */
export class RedisNoPrimaryError extends Error {
  override readonly name = 'RedisNoPrimaryError';

  constructor(set: string, cause: string) {
    super(`no Redis primary for ${set}: ${cause}`);
  }
}
