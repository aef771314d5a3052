import type { JsonSchema } from './base_view.js';

/**
 * An object schema that refuses unknown fields unless it says otherwise: how the router
 * compiles query and body schemas, and so how OpenAPI shows them.
 */
export function closed(schema: JsonSchema): JsonSchema {
  return schema.type === 'object' && !('additionalProperties' in schema) ? { ...schema, additionalProperties: false } : schema;
}
