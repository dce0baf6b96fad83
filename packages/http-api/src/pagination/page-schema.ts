import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 20;

/** Query parameters of every listing: `?limit=20&cursor=…`. */
export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE_LIMIT,
        default: DEFAULT_PAGE_LIMIT,
        description: `Items per page, 1..${MAX_PAGE_LIMIT}`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 2048, description: 'The `next_cursor` of the previous page' }),
    ),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

/**
 * A listing's query: `?limit&cursor` and the route's own filters, closed like every route query
 * (a filter the route lacks is a 400, not the unfiltered list).
 */
export const PageQueryWith = <T extends TObject[]>(...filters: T) =>
  Type.Composite([PageQuery, ...filters], { additionalProperties: false });

/** A page of items; `next_cursor` is null on the last page. A named item names its page. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object(
    {
      items: Type.Array(item),
      next_cursor: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false, ...(item.$id ? { $id: `${item.$id}Page` } : {}) },
  );
export type Page<T> = { items: T[]; next_cursor: string | null };
