import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from './base_view.js';

const COMPONENT_TITLE = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Named schemas of a document: every sub-schema whose `title` is PascalCase is stored once
 * under components/schemas and replaced by a `$ref`, so client generators name its type.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** `schema` with its titled parts replaced by `$ref`s; throws when one title names two different schemas. */
  named(schema: JsonSchema): JsonSchema {
    const title = schema.title;
    const walked = this.walk(schema);
    if (typeof title !== 'string' || !COMPONENT_TITLE.test(title)) return walked;
    const held = this.schemas[title];
    if (held && !isDeepStrictEqual(held, walked)) throw new Error(`OpenAPI: two different schemas are titled ${title}`);
    this.schemas[title] = walked;
    return { $ref: `#/components/schemas/${title}` };
  }

  private walk(schema: JsonSchema): JsonSchema {
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' || key === '$defs') out[key] = this.each(value as Record<string, JsonSchema>);
      else if (key === 'items' || key === 'additionalProperties' || key === 'not') out[key] = this.maybe(value);
      else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf')
        out[key] = (value as JsonSchema[]).map((s) => this.named(s));
      else out[key] = value;
    }
    return out;
  }

  private maybe(value: unknown): unknown {
    return value && typeof value === 'object' && !Array.isArray(value) ? this.named(value as JsonSchema) : value;
  }

  private each(map: Record<string, JsonSchema>): Record<string, JsonSchema> {
    return Object.fromEntries(Object.entries(map).map(([k, s]) => [k, this.named(s)]));
  }
}
