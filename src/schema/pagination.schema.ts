import { z } from 'zod';

/**
 * The one pagination shape of every list route: `?limit=&cursor=` in, `{ items, nextCursor }` out.
 * Lists are ordered by id (ids sort by creation time); `cursor` is the last id of the previous page.
 *
 *   querystring: PageQuerySchema.extend({ productId: z.string().optional() }),
 *   response: { 200: pageOf(ProductSchema, 'ProductPage') },
 */
export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 100;

export const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_LIMIT_MAX)
    .default(PAGE_LIMIT_DEFAULT)
    .describe(`Items per page, 1–${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT}).`),
  cursor: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The `nextCursor` of the previous page (the last id it held); omit for the first page.'),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A page of `item`: `nextCursor` is null on the last page. Pass `id` to name the schema in OpenAPI. */
export function pageOf<T extends z.ZodType>(item: T, id?: string) {
  const schema = z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` to get the next page; null when this is the last page.'),
  });
  return id === undefined ? schema : schema.meta({ id });
}

export type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * Cuts rows fetched with `limit + 1` into a page: the extra row only says that another page exists.
 * @example toPage([{ id: 'a' }, { id: 'b' }, { id: 'c' }], 2, (r) => r.id, (r) => r) // { items: [a, b], nextCursor: 'b' }
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  idOf: (row: R) => string,
  map: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(map),
    nextCursor: rows.length > limit && last !== undefined ? idOf(last) : null,
  };
}
