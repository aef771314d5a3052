import { registerPlainMetric } from './metrics_registry.js';

/**
 * WebSocket tallies of this process as plain numbers (a frame costs one increment), read by
 * `/metrics` at scrape time. A gateway calls `wsOpened` for each accepted socket, `wsClosed`
 * with its close code, `wsFrameIn` / `wsFrameOut` per data frame.
 */
const tally = { opened: 0, open: 0, framesIn: 0, framesOut: 0 };
const closes = new Map<number, number>();

export function wsOpened(): void {
  tally.opened++;
  tally.open++;
}

/** `code` is the close code the socket ended with (1005 when none was given, 1006 when the connection dropped). */
export function wsClosed(code: number): void {
  tally.open--;
  closes.set(code, (closes.get(code) ?? 0) + 1);
}

export function wsFrameIn(): void {
  tally.framesIn++;
}

export function wsFrameOut(): void {
  tally.framesOut++;
}

const plain = (name: string, help: string, type: 'counter' | 'gauge', value: () => number) =>
  registerPlainMetric({ name, help, type, aggregator: 'sum', samples: () => [{ labels: {}, value: value() }] });

plain('gatehouse_ws_connections_total', 'WebSocket connections accepted', 'counter', () => tally.opened);
plain('gatehouse_ws_connections', 'WebSocket connections open now', 'gauge', () => tally.open);
plain('gatehouse_ws_frames_received_total', 'WebSocket data frames received', 'counter', () => tally.framesIn);
plain('gatehouse_ws_frames_sent_total', 'WebSocket data frames sent', 'counter', () => tally.framesOut);
registerPlainMetric({
  name: 'gatehouse_ws_closes_total',
  help: 'WebSocket connections closed, by close code',
  type: 'counter',
  aggregator: 'sum',
  samples: () => [...closes].map(([code, value]) => ({ labels: { code }, value })),
});
