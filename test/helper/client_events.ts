import type { CloseEvent, GuidanceClient, GuidanceEvents, GuideMessage } from '../../guidance_ws/client/guidance_client.js';

/** Resolves with the next `event` of `client` that passes `test`; rejects after `timeoutMs`. */
export function nextEvent<K extends keyof GuidanceEvents>(
  client: GuidanceClient,
  event: K,
  test: (payload: GuidanceEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<GuidanceEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${String(event)} event in ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!test(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Everything a client delivers, closes and reports, recorded from its creation. */
export class ClientLog {
  readonly messages: GuideMessage[] = [];
  readonly closes: CloseEvent[] = [];
  readonly errors: Error[] = [];
  opens = 0;

  constructor(readonly client: GuidanceClient) {
    client.on('message', (m) => this.messages.push(m));
    client.on('close', (e) => this.closes.push(e));
    client.on('error', (e) => this.errors.push(e));
    client.on('open', () => this.opens++);
  }

  /** The seqs delivered in `room`, in delivery order. */
  seqs(room: string): number[] {
    return this.messages.filter((m) => m.room === room).map((m) => m.seq);
  }

  /** Resolves once a message with seq ≥ `seq` has been delivered in `room`. */
  async reached(room: string, seq: number, timeoutMs = 10_000): Promise<void> {
    if ((this.client.lastSeq(room) ?? 0) >= seq) return;
    await nextEvent(this.client, 'message', (m) => m.room === room && m.seq >= seq, timeoutMs);
  }
}
