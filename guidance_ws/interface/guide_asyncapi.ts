import { type AsyncOperation, buildAsyncApi } from '../../common/libs/asyncapi.js';
import { GUIDE_MESSAGE_SCHEMA } from '../../common/partner/guidance_post.js';
import type { SysConf } from '../config/sys_conf.js';
import { Close } from './close_codes.js';
import { COMMANDS, commandDataSchema } from './commands.js';
import {
  clientFrameSchema,
  errorReplySchema,
  GUIDE_PUSH,
  okReplySchema,
  pushFrameSchema,
  UNREADABLE,
  UNREADABLE_REPLY_SCHEMA,
} from './frame.js';
import { TOKEN } from './handshake.js';
import { GUIDE_PROTOCOL } from './subprotocol.js';

const PROTOCOL = `Client frames are JSON text \`{cmd, req?, data?}\`; \`req\` (string up to 64 characters, or integer) is echoed in the reply. Replies are \`{cmd, req, code, msg, data}\` with the business codes of the HTTP API (0 ok); a failed command keeps the socket open and its reply names the field at fault. Pushes are \`{cmd, data}\`. Frames of one socket are handled in arrival order, except \`send\`, which starts at once. Operations are described from the gateway's side: it *receives* the commands clients send and *sends* replies and pushes.`;

const handshake = (verCode: number) =>
  `The session token (the one \`POST /v${verCode}/auth/login\` of manage_system answers) is taken from, in this order: the \`token\` query parameter (when present it is the only one read), \`Authorization: Bearer <token>\`, or a \`bearer.<token>\` subprotocol offer (for browsers: \`new WebSocket(url, ['${GUIDE_PROTOCOL}', 'bearer.' + token])\`). The gateway selects the subprotocol \`${GUIDE_PROTOCOL}\` when offered and never echoes a \`bearer.\` offer. Without a live session the socket is accepted and closed at once with ${Close.SESSION.code} and the reason; a plain HTTP GET answers the JSON envelope: 401 without a session, 400 with one; 503 while the instance stops.`;

function closeTable(): string {
  const rows = Object.values(Close).map((c) => `| ${c.code} | ${c.when} | ${c.clientShould} |`);
  const gone = '| 1006 | (no close frame) the instance died | reconnect, resume |';
  return ['| code | when | client should |', '| --- | --- | --- |', ...rows, gone].join('\n');
}

function operations(): AsyncOperation[] {
  const received: AsyncOperation[] = Object.entries(COMMANDS).map(([name, command]) => {
    const okCmd = command.reply ?? name;
    return {
      action: 'receive',
      message: { name, summary: command.summary, payload: clientFrameSchema({ const: name }, commandDataSchema(command)) },
      reply: {
        name: `${name}_reply`,
        summary: `the reply to \`${name}\`: cmd \`${okCmd}\` with code 0, or cmd \`${name}\` with an error code`,
        payload: { oneOf: [okReplySchema(okCmd, command.replyData), errorReplySchema({ const: name })] },
      },
    };
  });
  return [
    ...received,
    {
      action: 'send',
      message: {
        name: GUIDE_PUSH,
        summary: 'a stored guidance message, pushed to every member of its room once, in seq order',
        payload: pushFrameSchema(GUIDE_PUSH, GUIDE_MESSAGE_SCHEMA),
      },
    },
    {
      action: 'send',
      message: {
        name: UNREADABLE,
        summary: `the reply to a frame that names no command: cmd \`${UNREADABLE}\` when unreadable (not JSON: 11, binary: 18, no string cmd: 12), else the unknown cmd (12)`,
        payload: UNREADABLE_REPLY_SCHEMA,
      },
    },
  ];
}

/** The AsyncAPI 3.0 document of the gateway's channel at `address` (`/v1/guide`), from the schemas its commands validate with. */
export function guideAsyncApi(conf: Readonly<SysConf>, address: string): Record<string, unknown> {
  const token = { type: 'string', pattern: TOKEN.source };
  return buildAsyncApi({
    title: conf.SERVER_NAME,
    version: String(conf.VER_CODE),
    description: `Real-time guidance over WebSocket. ${PROTOCOL}`,
    servers: {
      [conf.SERVER_ID]: {
        host: `${conf.HOST}:${conf.RUN_PORT}`,
        protocol: 'ws',
        description: 'HOST and RUN_PORT of this instance (behind a TLS proxy clients use wss and its address)',
      },
    },
    channel: {
      name: 'guide',
      address,
      description: `${handshake(conf.VER_CODE)}\n\nClose codes:\n\n${closeTable()}`,
      'x-close-codes': Object.values(Close),
      bindings: {
        ws: {
          method: 'GET',
          query: { type: 'object', properties: { token } },
          headers: {
            type: 'object',
            properties: {
              Authorization: { type: 'string', pattern: `^Bearer\\s+${TOKEN.source.slice(1, -1)}$` },
              'Sec-WebSocket-Protocol': {
                type: 'string',
                description: `offers, comma-separated: \`${GUIDE_PROTOCOL}\`, \`bearer.<token>\``,
              },
            },
          },
          bindingVersion: '0.1.0',
        },
      },
    },
    operations: operations(),
    securitySchemes: {
      token_query: { type: 'httpApiKey', in: 'query', name: 'token', description: 'the session token as `?token=`' },
      bearer_header: { type: 'http', scheme: 'bearer', description: 'the session token as `Authorization: Bearer <token>`' },
      bearer_subprotocol: {
        type: 'httpApiKey',
        in: 'header',
        name: 'Sec-WebSocket-Protocol',
        description: `the session token as the subprotocol offer \`bearer.<token>\`, next to \`${GUIDE_PROTOCOL}\``,
      },
    },
  });
}
