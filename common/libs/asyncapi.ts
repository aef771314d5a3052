import type { JsonSchema } from './base_view.js';

/** A message (one kind of frame) of a channel: its name, a line about it and its payload schema. */
export interface AsyncMessage {
  /** The message's key in the document (`^[A-Za-z0-9_-]+$`). */
  name: string;
  summary: string;
  description?: string;
  payload: JsonSchema;
}

/**
 * One operation, from the service's point of view: `receive` a frame a client sends (and
 * maybe answer it with `reply`), or `send` a frame to clients.
 */
export interface AsyncOperation {
  action: 'send' | 'receive';
  message: AsyncMessage;
  reply?: AsyncMessage;
}

/** What a service tells about its one WebSocket channel. */
export interface AsyncApiOptions {
  title: string;
  version: string;
  description: string;
  /** Server key -> where it listens (`host:port`), its protocol and how a client authenticates there. */
  servers: Record<string, { host: string; protocol: 'ws' | 'wss'; description?: string }>;
  /** `x-...` keys are specification extensions, copied as they are. */
  channel: {
    name: string;
    address: string;
    description: string;
    bindings?: Record<string, unknown>;
    [x: `x-${string}`]: unknown;
  };
  operations: readonly AsyncOperation[];
  /** Scheme key -> AsyncAPI Security Scheme Object; any one of them authenticates on every server. */
  securitySchemes: Record<string, Record<string, unknown>>;
}

/**
 * An AsyncAPI 3.0 document of one channel, built once at start-up: every message under
 * `components.messages`, listed on the channel, and one operation each (`receive_<name>`
 * or `send_<name>`), replies answering on the same channel. Payloads are JSON Schema.
 */
export function buildAsyncApi(opts: AsyncApiOptions): Record<string, unknown> {
  const channelRef = { $ref: `#/channels/${opts.channel.name}` };
  const messageRef = (m: AsyncMessage) => ({ $ref: `#/channels/${opts.channel.name}/messages/${m.name}` });
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const { action, message, reply } of opts.operations) {
    for (const m of reply ? [message, reply] : [message]) {
      messages[m.name] = { name: m.name, summary: m.summary, description: m.description, payload: m.payload };
    }
    operations[`${action}_${message.name}`] = {
      action,
      channel: channelRef,
      summary: message.summary,
      messages: [messageRef(message)],
      ...(reply && { reply: { channel: channelRef, messages: [messageRef(reply)] } }),
    };
  }
  const security = Object.keys(opts.securitySchemes).map((key) => ({ $ref: `#/components/securitySchemes/${key}` }));
  const servers = Object.fromEntries(Object.entries(opts.servers).map(([key, s]) => [key, { ...s, security }]));
  const { name, ...channel } = opts.channel;
  return {
    asyncapi: '3.0.0',
    info: { title: opts.title, version: opts.version, description: opts.description },
    defaultContentType: 'application/json',
    servers,
    channels: {
      [name]: {
        ...channel,
        messages: Object.fromEntries(Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }])),
      },
    },
    operations,
    components: { messages, securitySchemes: opts.securitySchemes },
  };
}
