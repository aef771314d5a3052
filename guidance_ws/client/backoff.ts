/** How long to wait before reconnect attempt `attempt` (0 for the first after a drop). */
export interface BackoffOptions {
  /** Delay scale of the first attempt, in ms (default 500). */
  initialMs?: number;
  /** Cap of the delay scale, in ms (default 30000). */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": the scale doubles per attempt up to `maxMs`, and
 * the delay is drawn uniformly from [scale/2, scale], so clients dropped together by one
 * gateway spread out over their retries, yet none retries at once.
 * Defaults: 250-500 ms, 0.5-1 s, 1-2 s, ... then 15-30 s for ever.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = opts.initialMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  const scale = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(scale / 2 + (random() * scale) / 2);
}
