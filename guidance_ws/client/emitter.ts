/**
 * A typed event emitter of a few lines (no runtime dependency, browsers and Node alike):
 * `Events` maps each event name to its payload type.
 */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Calls `listener` with each `event`'s payload; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): void {
    this.listeners.get(event)?.delete(listener);
  }

  /**
   * Calls the listeners of `event` in order. One that throws does not stop the others: its
   * error goes to the `error` listeners, or is thrown in a later task when there are none
   * (or an `error` listener threw), as an uncaught error would be.
   */
  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (err) {
        const onError = this.listeners.get('error' as keyof Events);
        if (event === 'error' || !onError?.size) {
          setTimeout(() => {
            throw err;
          });
        } else this.emit('error' as K, (err instanceof Error ? err : new Error(String(err))) as Events[K]);
      }
    }
  }
}
