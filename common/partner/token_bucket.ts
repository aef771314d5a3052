/**
 * A token bucket's whole state: two numbers, so an object that needs a bucket (one per
 * connection, say) holds them as its own fields instead of owning another object.
 */
export interface BucketState {
  tokens: number;
  /** Epoch ms of the last refill. */
  refilledAt: number;
}

/** A full bucket: `burst` tokens as of `now`. */
export function fullBucket(burst: number, now = Date.now()): BucketState {
  return { tokens: burst, refilledAt: now };
}

/**
 * Takes one token: `ratePerSecond` flow in, at most `burst` are kept. False when the bucket
 * is empty, i.e. the caller is over its rate.
 */
export function takeToken(state: BucketState, ratePerSecond: number, burst: number, now = Date.now()): boolean {
  state.tokens = Math.min(burst, state.tokens + ((now - state.refilledAt) / 1000) * ratePerSecond);
  state.refilledAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}
