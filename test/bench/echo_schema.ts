/** The body the validated-POST rows accept: gatehouse's echo view and the bare Hono peer check the same schema. */
export const ECHO_BODY_SCHEMA = {
  type: 'object',
  required: ['name', 'count'],
  properties: {
    name: { type: 'string', maxLength: 64 },
    count: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    tags: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The body every POST row is loaded with. */
export const ECHO_BODY = { name: 'bench', count: 3, tags: ['a', 'b'] };
