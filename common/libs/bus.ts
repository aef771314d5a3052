/** Receives the payload text of one message published on a channel. */
export type BusHandler = (payload: string) => void;

/**
 * Pub/sub between the instances of the services: Redis in production, in-process in the
 * embedded default. Delivery is at most once (a subscriber that is away misses messages),
 * so whatever must not be lost lives in the database and the bus only says "look now".
 */
export interface Bus {
  readonly kind: 'redis' | 'memory';
  /** Sends `payload` to every subscriber of `channel`, on every instance. */
  publish(channel: string, payload: string): Promise<void>;
  /** Calls `handler` for each payload on `channel` until the returned function is called. */
  subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
