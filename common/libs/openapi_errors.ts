import type { JsonSchema, MethodSpec } from './base_view.js';
import { StaCode, type StaCodeEntry, type StaCodeName } from './sta_code.js';

/** Codes every route may answer, whatever it does: bad input, body limits, faults and outages. */
const EVERY_ROUTE: readonly StaCodeEntry[] = [
  StaCode.BAD_REQUEST,
  StaCode.PAYLOAD_TOO_LARGE,
  StaCode.UNSUPPORTED_MEDIA,
  StaCode.BAD_ARGUMENT,
  StaCode.SERVER_ERROR,
  StaCode.UNAVAILABLE,
];
const SECURED_ROUTE: readonly StaCodeEntry[] = [StaCode.NOT_AUTHENTICATED, StaCode.FORBIDDEN];

const RETRY_AFTER: JsonSchema = {
  type: 'object',
  required: ['retry_after'],
  properties: { retry_after: { type: 'integer', minimum: 1, description: 'seconds, also sent as `Retry-After`' } },
};

/** The `data` an error carries; null unless listed. */
const ERROR_DATA: Partial<Record<StaCodeName, JsonSchema>> = {
  BAD_ARGUMENT: {
    type: 'object',
    required: ['field'],
    properties: { field: { type: 'string', description: 'the refused input, e.g. `body.username`' } },
  },
  ACCOUNT_LOCKED: RETRY_AFTER,
  RATE_LIMITED: RETRY_AFTER,
  UNAVAILABLE: { type: ['object', 'null'], description: 'null, or the readiness report on `/ready`' },
};

const NAME_OF = new Map<number, StaCodeName>(Object.entries(StaCode).map(([name, sta]) => [sta.code, name as StaCodeName]));

function pascalName(name: StaCodeName): string {
  return name.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, ch: string) => ch.toUpperCase());
}

/** The components/responses entry of one error code: the envelope with that code and its data. */
function errorResponse(sta: StaCodeEntry, name: StaCodeName) {
  const data = ERROR_DATA[name] ?? { type: 'null' };
  return {
    description: `\`${sta.code}\` ${name}: ${sta.msg}`,
    content: {
      'application/json': {
        schema: {
          allOf: [{ $ref: '#/components/schemas/Envelope' }, { type: 'object', properties: { code: { const: sta.code }, data } }],
        },
      },
    },
  };
}

/** The statuses and codes an operation declares, by HTTP status; throws when two codes share one. */
export function errorCodesOf(spec: MethodSpec, secured: boolean): Map<number, StaCodeEntry> {
  const byStatus = new Map<number, StaCodeEntry>();
  for (const sta of [...EVERY_ROUTE, ...(secured ? SECURED_ROUTE : []), ...(spec.errors ?? [])]) {
    const held = byStatus.get(sta.status);
    if (held && held.code !== sta.code) throw new Error(`OpenAPI: codes ${held.code} and ${sta.code} share HTTP ${sta.status}`);
    byStatus.set(sta.status, sta);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

/** `responses` entries (`$ref`s) for the errors of an operation; `used` collects the codes whose components they need. */
export function errorResponses(codes: Map<number, StaCodeEntry>, used: Set<number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, sta] of codes) {
    const name = NAME_OF.get(sta.code);
    if (!name) throw new Error(`OpenAPI: code ${sta.code} is not in StaCode`);
    used.add(sta.code);
    out[String(status)] = { $ref: `#/components/responses/${pascalName(name)}` };
  }
  return out;
}

/** components/responses for the codes in use, named after them (`BadArgument`). */
export function errorComponents(used: Set<number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, sta] of Object.entries(StaCode) as [StaCodeName, StaCodeEntry][]) {
    if (used.has(sta.code)) out[pascalName(name)] = errorResponse(sta, name);
  }
  return out;
}
