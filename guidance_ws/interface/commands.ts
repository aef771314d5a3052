import type { JsonSchema } from '../../common/libs/base_view.js';
import { historyCommand, pingCommand, sendCommand } from './cmd_message.js';
import { ackCommand, joinCommand, leaveCommand } from './cmd_room.js';
import type { Conn } from './connection.js';

/** What a command answers: the reply's `data`, and what to do once the reply is sent. */
export interface CommandResult {
  data: unknown;
  afterReply?: () => void;
}

/** One client command: its `data` schema (compiled once), its reply's, and its handler. */
export interface Command {
  /** One line for the API document. */
  summary: string;
  schema: JsonSchema;
  /** The `data` of its reply when it succeeds (for /asyncapi.json and its tests). */
  replyData: JsonSchema;
  /** The reply's `cmd` when it differs from the request's (`ping` -> `pong`). */
  reply?: string;
  /** Starts without waiting for the connection's earlier frames (its reply may overtake theirs). */
  pipelined?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: `data` has passed the schema above
  run(conn: Conn, data: any): Promise<CommandResult>;
}

/** The schema a command's `data` is checked with: no field beyond those its schema names. */
export function commandDataSchema(command: Command): JsonSchema {
  return { additionalProperties: false, ...command.schema };
}

/** Every command a client may send, by `cmd`. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  ping: pingCommand,
  join: joinCommand,
  leave: leaveCommand,
  send: sendCommand,
  ack: ackCommand,
  history: historyCommand,
};
