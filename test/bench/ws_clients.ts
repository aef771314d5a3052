import WebSocket from 'ws';

export const BENCH_ROOM = 'bench';
const GUIDE = 'g'.charCodeAt(0); // byte 8 of `{"cmd":"guide"...`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts `guide` frames over every benchmark client. */
const delivered = { count: 0, target: Number.POSITIVE_INFINITY, done: () => {} };

/** One client joined to the bench room (its join reply received); it only counts guide frames. */
export function connectOne(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      ws.once('message', () => {
        ws.on('message', (data: Buffer) => {
          if (data[8] === GUIDE && ++delivered.count === delivered.target) delivered.done();
        });
        resolve(ws);
      });
      ws.send(JSON.stringify({ cmd: 'join', req: 1, data: { room: BENCH_ROOM } }));
    });
    ws.once('error', reject);
  });
}

/** `n` joined clients, opened 250 at a time. */
export async function connectMany(url: string, n: number): Promise<WebSocket[]> {
  const clients: WebSocket[] = [];
  while (clients.length < n) {
    const batch = Math.min(250, n - clients.length);
    clients.push(...(await Promise.all(Array.from({ length: batch }, () => connectOne(url)))));
  }
  return clients;
}

export async function closeAll(clients: WebSocket[]): Promise<void> {
  for (const ws of clients) ws.terminate();
  await sleep(1000);
}

/**
 * A new operator socket (joined too) sends `messages` at once; resolves with the seconds
 * from the first send until all `(receivers + 1) * messages` deliveries arrived.
 */
export async function broadcast(
  url: string,
  receivers: number,
  messages: number,
): Promise<{ seconds: number; deliveries: number }> {
  const operator = await connectOne(url);
  delivered.count = 0;
  delivered.target = (receivers + 1) * messages;
  const all = new Promise<void>((resolve) => (delivered.done = resolve));
  const started = performance.now();
  for (let i = 0; i < messages; i++) {
    operator.send(JSON.stringify({ cmd: 'send', req: i, data: { room: BENCH_ROOM, body: `step ${i}: take the second exit` } }));
  }
  const late = sleep(300_000).then(() => Promise.reject(new Error(`only ${delivered.count} of ${delivered.target} delivered`)));
  await Promise.race([all, late]);
  const seconds = (performance.now() - started) / 1000;
  operator.close();
  return { seconds, deliveries: delivered.target };
}
