import type { Bus, BusHandler } from './bus.js';

/** The in-process bus of the embedded default: one instance, so subscribers are local functions. */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly channels = new Map<string, Set<BusHandler>>();

  async publish(channel: string, payload: string): Promise<void> {
    const handlers = this.channels.get(channel);
    if (!handlers) return;
    // Delivered after the publisher's current step, as a network bus would.
    for (const handler of handlers) queueMicrotask(() => handler(payload));
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => Promise<void>> {
    let handlers = this.channels.get(channel);
    if (!handlers) this.channels.set(channel, (handlers = new Set()));
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.channels.clear();
  }
}
