import type { MultLogger } from './mult_logger.js';

let current: MultLogger | undefined;

/** Set once by the launcher; lets shared code (registries, cache models) log to the service's files. */
export function setServiceLog(log: MultLogger): void {
  current = log;
}

export function serviceLog(): MultLogger | undefined {
  return current;
}

const lastWarned = new Map<string, number>();

/** Logs `msg` at most once per `everyMs` per topic, so an outage does not flood the log. */
export function warnThrottled(topic: string, msg: string, meta?: Record<string, unknown>, everyMs = 10_000): void {
  const now = Date.now();
  if ((lastWarned.get(topic) ?? 0) + everyMs > now) return;
  lastWarned.set(topic, now);
  current?.warn(msg, meta);
}
