import type { Bus } from '../libs/bus.js';
import { warnThrottled } from '../libs/service_log.js';
import { GUIDANCE_MESSAGE_TABLE } from '../model_db/guidance_message.js';
import { guidanceWriter, type StoredGuide } from './guidance_writer.js';

/** The bus channel announcing stored guidance messages; the payload is the message's JSON. */
export const GUIDE_CHANNEL = GUIDANCE_MESSAGE_TABLE;

/** Largest accepted message body (its JSON, in UTF-8 bytes) unless a service configures another. */
export const GUIDE_BODY_MAX_BYTES = 16 * 1024;

/** Room names: short, no spaces (they travel in URLs and channel payloads). */
export const GUIDE_ROOM_SCHEMA = { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,64}$' } as const;

/** A message body: text, or a JSON object for structured guidance. */
export const GUIDE_BODY_SCHEMA = { type: ['string', 'object'] } as const;

/** A stored guidance message (`GuideData`), as HTTP answers and the gateways show it. */
export const GUIDE_MESSAGE_SCHEMA = {
  title: 'GuidanceMessage',
  type: 'object',
  required: ['room', 'seq', 'body', 'sender', 'at'],
  properties: {
    room: GUIDE_ROOM_SCHEMA,
    seq: { type: 'integer', minimum: 1, description: 'gap-free per-room sequence' },
    body: GUIDE_BODY_SCHEMA,
    sender: { type: 'string', description: "the operator's username" },
    at: { type: 'string', format: 'date-time', description: 'when it was stored' },
  },
  additionalProperties: false,
} as const;

export interface GuideInput {
  room: string;
  body: unknown;
  sender: string;
  senderId: number;
}

/** The body as stored, or undefined when its JSON is larger than `maxBytes`. */
export function encodeGuideBody(body: unknown, maxBytes: number): string | undefined {
  const json = JSON.stringify(body);
  return Buffer.byteLength(json) > maxBytes ? undefined : json;
}

/**
 * The one store-and-notify path of guidance messages, shared by the WebSocket gateway and
 * the HTTP API: stores the message (resolving once it is committed with its seq), then
 * tells every gateway through the bus. A failed publish is only logged: gateways also
 * catch up from the database, which stays the source of truth.
 */
export async function postGuidance(input: GuideInput, bodyJson: string, bus: Bus | undefined): Promise<StoredGuide> {
  const stored = await guidanceWriter.append({ ...input, bodyJson });
  bus?.publish(GUIDE_CHANNEL, stored.json).catch((err: Error) => {
    warnThrottled('guidance:publish', 'guidance publish failed; gateways will catch up from the database', {
      error: err.message,
    });
  });
  return stored;
}
