/**
 * The baseline of the WebSocket benchmark: a bare `ws` server speaking the same frames as
 * guidance_ws (join, send -> guide to the room, ping) with no auth, no storage and no limits.
 * `tsx test/bench/raw_ws_server.ts` with RUN_PORT set; prints "listening on" when ready.
 */
import { type WebSocket, WebSocketServer } from 'ws';

const port = Number(process.env.RUN_PORT);
const rooms = new Map<string, Set<WebSocket>>();
let seq = 0;

function reply(ws: WebSocket, cmd: string, req: unknown, data: unknown): void {
  ws.send(JSON.stringify({ cmd, req, code: 0, msg: 'ok', data }));
}

const wss = new WebSocketServer({ port, host: '127.0.0.1', maxPayload: 64 * 1024, perMessageDeflate: false });
wss.on('connection', (ws) => {
  const joined = new Set<string>();
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { cmd: string; req?: unknown; data?: { room: string; body?: unknown } };
    const room = frame.data?.room ?? '';
    if (frame.cmd === 'join') {
      let members = rooms.get(room);
      if (!members) rooms.set(room, (members = new Set()));
      members.add(ws);
      joined.add(room);
      reply(ws, 'join', frame.req, { room, since: seq, last_seq: seq });
    } else if (frame.cmd === 'send') {
      const data = { room, seq: ++seq, body: frame.data?.body, sender: 'raw', at: new Date().toISOString() };
      const push = Buffer.from(`{"cmd":"guide","data":${JSON.stringify(data)}}`);
      for (const member of rooms.get(room) ?? []) member.send(push, { binary: false });
      reply(ws, 'send', frame.req, { room, seq: data.seq, at: data.at });
    } else {
      reply(ws, 'pong', frame.req, { at: new Date().toISOString() });
    }
  });
  ws.on('close', () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
});
wss.on('listening', () => process.stdout.write(`raw ws listening on ${port}\n`));
process.on('SIGTERM', () => process.exit(0));
