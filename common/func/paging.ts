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
