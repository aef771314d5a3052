import { serviceLog } from './service_log.js';

/**
 * The up/down state of one dependency (a database, a Redis server) in this process, made of
 * its members (connections, clients). It is down while any member is down, and logs one
 * line when it goes down (naming the cause) and one when it is back, never one per failure.
 */
export class DependencyState {
  private readonly down = new Map<string, string>();
  private since = 0;

  constructor(readonly name: string) {}

  get isDown(): boolean {
    return this.down.size > 0;
  }

  /** `member` failed with `cause`; the first member down makes the whole dependency down. */
  memberDown(member: string, cause: string): void {
    if (this.down.has(member)) return;
    this.down.set(member, cause);
    if (this.down.size > 1) return;
    this.since = Date.now();
    serviceLog()?.warn(`${this.name} down: ${cause}`);
  }

  /** `member` works again; the last member back makes the whole dependency back. */
  memberUp(member: string): void {
    if (!this.down.delete(member) || this.down.size > 0) return;
    serviceLog()?.warn(`${this.name} back after ${((Date.now() - this.since) / 1000).toFixed(1)} s`);
  }
}

const states = new Map<string, DependencyState>();

/** The state named `name` (e.g. `database "default"`, `redis 127.0.0.1:6379`), shared in this process. */
export function dependencyState(name: string): DependencyState {
  let state = states.get(name);
  if (!state) states.set(name, (state = new DependencyState(name)));
  return state;
}

/** Every dependency state of this process (a database's or Redis server's appears once it is watched). */
export function dependencyStates(): Iterable<DependencyState> {
  return states.values();
}
