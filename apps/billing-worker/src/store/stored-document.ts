import type { DocumentSnapshot } from '@google-cloud/firestore';
import type { Static, TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';

/** A stored document off its schema: a bug or a hand edit, never the event's fault. */
export class StoredDocumentError extends Error {
  override readonly name = 'StoredDocumentError';
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** The document's data, checked against its schema; undefined when it does not exist. */
export function decodeStored<S extends TSchema>(
  snap: DocumentSnapshot,
  check: TypeCheck<S>,
): Static<S> | undefined {
  if (!snap.exists) return undefined;
  const data = snap.data();
  if (!check.Check(data)) {
    const first = check.Errors(data).First();
    throw new StoredDocumentError(
      snap.ref.path,
      first ? `${first.path || '/'}: ${first.message}` : 'off its schema',
    );
  }
  return data;
}
