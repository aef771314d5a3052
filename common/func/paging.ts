/** Query-schema properties every paged list accepts. */
export const PAGE_QUERY_PROPS = {
  page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
  page_size: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
} as const;

export interface PageQuery {
  page: number;
  page_size: number;
}

/** `{limit, offset}` of a 1-based page. */
export function pageWindow({ page, page_size }: PageQuery): { limit: number; offset: number } {
  return { limit: page_size, offset: (page - 1) * page_size };
}

/** The JSON schema of a page of `item` (`answerPage`'s data), titled `<item title>Page`. */
export function pageSchemaOf(item: Record<string, unknown>) {
  return {
    ...(typeof item.title === 'string' ? { title: `${item.title}Page` } : {}),
    type: 'object',
    required: ['items', 'total', 'page', 'page_size'],
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer', minimum: 0 },
      page: { type: 'integer', minimum: 1 },
      page_size: { type: 'integer', minimum: 1 },
    },
  };
}
