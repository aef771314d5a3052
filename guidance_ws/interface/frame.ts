import { ajvStrict, describeAjvError } from '../../common/libs/ajv.js';
import { ApiError } from '../../common/libs/api_error.js';
import type { JsonSchema } from '../../common/libs/base_view.js';
import { StaCode, type StaCodeEntry } from '../../common/libs/sta_code.js';

/** The `cmd` of the reply to a frame whose own `cmd` could not be read (not JSON, binary, no string `cmd`). */
export const UNREADABLE = 'error';

/** Longest `cmd` an error reply echoes. */
const CMD_ECHO_MAX = 32;

/** `req` of a client frame: echoed in its reply. */
export const REQ_SCHEMA = {
  type: ['string', 'integer'],
  maxLength: 64,
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
} as const;

/** The schema of a client frame `{cmd, req?, data?}`: `data` is required when its schema requires a field. */
export function clientFrameSchema(cmd: JsonSchema, data: JsonSchema): JsonSchema {
  const dataRequired = ((data.required as string[] | undefined) ?? []).length > 0;
  return {
    type: 'object',
    required: dataRequired ? ['cmd', 'data'] : ['cmd'],
    properties: { cmd, req: REQ_SCHEMA, data },
    additionalProperties: false,
  };
}

/** A reply `{cmd, req, code: 0, msg, data}` of a command that succeeded (`req` null when the frame had none). */
export function okReplySchema(cmd: string, data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['cmd', 'req', 'code', 'msg', 'data'],
    properties: {
      cmd: { const: cmd },
      req: { ...REQ_SCHEMA, type: [...REQ_SCHEMA.type, 'null'] },
      code: { const: StaCode.OK.code },
      msg: { type: 'string' },
      data,
    },
    additionalProperties: false,
  };
}

const FAILURE_CODES = Object.values(StaCode)
  .map((s) => s.code)
  .filter((code) => code !== StaCode.OK.code);

/**
 * A reply `{cmd, req, code, msg, data}` to a frame that failed: `cmd` and `req` are the
 * frame's own as far as they could be read (`req` null when unreadable), `data` is
 * `{field}` when a field is at fault, else null.
 */
export function errorReplySchema(cmd: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['cmd', 'req', 'code', 'msg', 'data'],
    properties: {
      cmd,
      req: { type: ['string', 'number', 'null'] },
      code: { type: 'integer', enum: FAILURE_CODES, description: 'a business code of the HTTP API, never 0' },
      msg: { type: 'string', description: 'names the field at fault: `data.room: must match pattern ...`' },
      data: {
        anyOf: [
          { type: 'null' },
          { type: 'object', required: ['field'], properties: { field: { type: 'string' } }, additionalProperties: false },
        ],
      },
    },
    additionalProperties: false,
  };
}

/** The reply to a frame with no known `cmd`: `cmd` is `error`, or the frame's unknown `cmd` (cut to 32 characters). */
export const UNREADABLE_REPLY_SCHEMA = errorReplySchema({ type: 'string', maxLength: CMD_ECHO_MAX });

/** A push `{cmd, data}` (no `req`, `code` or `msg`). */
export function pushFrameSchema(cmd: string, data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['cmd', 'data'],
    properties: { cmd: { const: cmd }, data },
    additionalProperties: false,
  };
}

/** A client frame once parsed: `{cmd, req?, data?}`. */
export interface Frame {
  cmd: string;
  req: string | number | null;
  data: Record<string, unknown>;
}

type Validate = ((value: unknown) => boolean) & { errors?: Parameters<typeof describeAjvError>[1] };

/** A failure answered as an error frame; carries what is known of the frame it answers. */
export class FrameError extends ApiError {
  constructor(
    readonly cmd: string,
    readonly req: string | number | null,
    sta: StaCodeEntry,
    msg: string,
    data?: unknown,
  ) {
    super(sta, msg, data);
  }
}

/** Compiles the frame envelope schema once, for the command names of the table. */
export function frameParser(commandNames: readonly string[]): (text: string) => Frame {
  const validate = ajvStrict.compile(
    clientFrameSchema({ type: 'string', enum: [...commandNames] }, { type: 'object' }),
  ) as Validate;

  return function parseFrame(text: string): Frame {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FrameError(UNREADABLE, null, StaCode.BAD_REQUEST, `frame: malformed JSON (${(err as Error).message})`);
    }
    const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const cmd = typeof raw.cmd === 'string' ? raw.cmd.slice(0, CMD_ECHO_MAX) : UNREADABLE;
    const req = typeof raw.req === 'string' || typeof raw.req === 'number' ? raw.req : null;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new FrameError(cmd, req, StaCode.BAD_ARGUMENT, 'frame: must be a JSON object {cmd, req?, data?}');
    }
    if (!validate(value)) {
      const { msg, field } = describeAjvError('frame', validate.errors);
      throw new FrameError(cmd, req, StaCode.BAD_ARGUMENT, msg, { field });
    }
    return { cmd: raw.cmd as string, req, data: (raw.data ?? {}) as Record<string, unknown> };
  };
}

/** A reply frame `{cmd, req, code, msg, data}`, as text. */
export function replyText(cmd: string, req: string | number | null, sta: StaCodeEntry, msg: string, data: unknown): string {
  return JSON.stringify({ cmd, req, code: sta.code, msg, data });
}

/** The `cmd` of the push that carries a guidance message. */
export const GUIDE_PUSH = 'guide';

/** A `guide` push frame around a stored message's JSON, encoded once for every recipient. */
export function guideFrame(messageJson: string): Buffer {
  return Buffer.from(`{"cmd":"${GUIDE_PUSH}","data":${messageJson}}`);
}
