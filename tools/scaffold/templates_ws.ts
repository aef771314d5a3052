import type { PlannedFile, ServicePlan } from './plan.js';

/** interface/echo_socket.ts: an example WebSocket route answering `{cmd, req, code, msg, data}` frames. */
export function wsFiles(p: ServicePlan): PlannedFile[] {
  return [
    {
      path: `${p.name}/interface/echo_socket.ts`,
      text: `import { upgradeWebSocket } from '@hono/node-server';
import type { Handler } from 'hono';
import { WebSocketServer } from 'ws';
import { StaCode } from '../../common/libs/sta_code.js';

/** The \`ws\` server behind the upgrades; a frame over the limit closes with 1009 inside \`ws\`. */
export function createSocketServer(maxFrameBytes: number): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
}

function reply(cmd: string, req: unknown, sta = StaCode.OK, msg?: string, data: unknown = null): string {
  return JSON.stringify({ cmd, req: req ?? null, code: sta.code, msg: msg ?? sta.msg, data });
}

/** The example socket: \`ping\` -> \`pong\`, \`echo {data}\` -> the data; anything else an error frame. */
export const echoSocket: Handler = (c) =>
  upgradeWebSocket(c, {
    onMessage(evt, ws) {
      let frame: { cmd?: unknown; req?: unknown; data?: unknown };
      try {
        frame = JSON.parse(String(evt.data));
      } catch {
        ws.send(reply('error', null, StaCode.BAD_REQUEST, 'frame: malformed JSON'));
        return;
      }
      if (frame.cmd === 'ping') ws.send(reply('pong', frame.req));
      else if (frame.cmd === 'echo') ws.send(reply('echo', frame.req, StaCode.OK, undefined, frame.data ?? null));
      else ws.send(reply('error', frame.req, StaCode.BAD_ARGUMENT, 'cmd: must be ping or echo'));
    },
  });
`,
    },
    {
      path: `${p.name}/api_main.ts`,
      text: `import type { Hono } from 'hono';
import { fullPath } from '../common/libs/router.js';
import { echoSocket } from './interface/echo_socket.js';

/** The WebSocket route of ${p.name}: \`/v{VER_CODE}/echo\`. */
export const SOCKET_PATH = '/echo';

export function mountSockets(app: Hono, verCode: number): void {
  app.get(fullPath(SOCKET_PATH, undefined, verCode), echoSocket);
}
`,
    },
  ];
}
