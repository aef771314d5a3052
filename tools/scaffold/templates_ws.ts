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
import { wsClosed, wsFrameIn, wsFrameOut, wsOpened } from '../../common/libs/ws_metrics.js';

/** The \`ws\` server behind the upgrades; a frame over the limit closes with 1009 inside \`ws\`. */
export function createSocketServer(maxFrameBytes: number): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes, perMessageDeflate: false });
}

function reply(cmd: string, req: unknown, sta = StaCode.OK, msg?: string, data: unknown = null): string {
  return JSON.stringify({ cmd, req: req ?? null, code: sta.code, msg: msg ?? sta.msg, data });
}

/** The example socket: \`ping\` -> \`pong\`, \`echo {data}\` -> the data; anything else an error frame. Counted in \`/metrics\`. */
export const echoSocket: Handler = (c) =>
  upgradeWebSocket(c, {
    onOpen: () => wsOpened(),
    onClose: (evt) => wsClosed(evt.code),
    onMessage(evt, ws) {
      wsFrameIn();
      const send = (text: string) => {
        wsFrameOut();
        ws.send(text);
      };
      let frame: { cmd?: unknown; req?: unknown; data?: unknown };
      try {
        frame = JSON.parse(String(evt.data));
      } catch {
        send(reply('error', null, StaCode.BAD_REQUEST, 'frame: malformed JSON'));
        return;
      }
      if (frame.cmd === 'ping') send(reply('pong', frame.req));
      else if (frame.cmd === 'echo') send(reply('echo', frame.req, StaCode.OK, undefined, frame.data ?? null));
      else send(reply('error', frame.req, StaCode.BAD_ARGUMENT, 'cmd: must be ping or echo'));
    },
  });
`,
    },
    {
      path: `${p.name}/api_main.ts`,
      text: `import type { Hono } from 'hono';
import { metered } from '../common/libs/http_metrics.js';
import { fullPath } from '../common/libs/router.js';
import { echoSocket } from './interface/echo_socket.js';

/** The WebSocket route of ${p.name}: \`/v{VER_CODE}/echo\`. */
export const SOCKET_PATH = '/echo';

export function mountSockets(app: Hono, verCode: number): void {
  const path = fullPath(SOCKET_PATH, undefined, verCode);
  app.get(path, metered(path, echoSocket));
}
`,
    },
  ];
}
