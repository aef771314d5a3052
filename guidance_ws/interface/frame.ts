import { ajvStrict, describeAjvError } from '../../common/libs/ajv.js';
import { ApiError } from '../../common/libs/api_error.js';
import { StaCode, type StaCodeEntry } from '../../common/libs/sta_code.js';

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
  const validate = ajvStrict.compile({
    type: 'object',
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', enum: [...commandNames] },
      req: { type: ['string', 'integer'], maxLength: 64, minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      data: { type: 'object' },
    },
    additionalProperties: false,
  }) as Validate;

  return function parseFrame(text: string): Frame {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FrameError('error', null, StaCode.BAD_REQUEST, `frame: malformed JSON (${(err as Error).message})`);
    }
    const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
    const cmd = typeof raw.cmd === 'string' ? raw.cmd.slice(0, 32) : 'error';
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

/** A `guide` push frame around a stored message's JSON, encoded once for every recipient. */
export function guideFrame(messageJson: string): Buffer {
  return Buffer.from(`{"cmd":"guide","data":${messageJson}}`);
}
