import { FieldPath, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor, invalidCursor, type OrderBy } from './cursor';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page } from './page-schema';

export interface PaginateOptions<T> {
  /** Sort fields; the document id is appended as the tie-breaker. */
  orderBy: OrderBy;
  limit?: number;
  cursor?: string | undefined;
  /** Maps a document to the item returned; defaults to its data. */
  map?: (doc: QueryDocumentSnapshot) => T;
}

/**
 * One page of a Firestore query, ordered by `orderBy` then document id, resuming after the
 * cursor's position. The query's own filters (e.g. `user_id ==`) still bound what a cursor reaches.
 */
export async function paginate<T = Record<string, unknown>>(
  query: Query,
  options: PaginateOptions<T>,
): Promise<Page<T>> {
  const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT);
  const last = options.orderBy.at(-1)?.[1] ?? 'asc';
  let ordered = options.orderBy.reduce(
    (q, [field, direction]) => q.orderBy(field, direction),
    query,
  );
  ordered = ordered.orderBy(FieldPath.documentId(), last);
  if (options.cursor) {
    const position = decodeCursor(options.orderBy, options.cursor);
    try {
      // Refused by the client library when the path is not a document of this query's collection.
      ordered = ordered.startAfter(...position.values, query.firestore.doc(position.path));
    } catch {
      throw invalidCursor();
    }
  }
  // One more than asked for tells whether there is a next page without a second query.
  const snap = await ordered.limit(limit + 1).get();
  const docs = snap.docs.slice(0, limit);
  const map = options.map ?? ((doc: QueryDocumentSnapshot) => doc.data() as T);
  const lastDoc = docs.at(-1);
  const next_cursor =
    snap.docs.length > limit && lastDoc
      ? encodeCursor(options.orderBy, {
          values: options.orderBy.map(([field]) => lastDoc.get(field)),
          path: lastDoc.ref.path,
        })
      : null;
  return { items: docs.map(map), next_cursor };
}
