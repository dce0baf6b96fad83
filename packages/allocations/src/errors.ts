export type AllocationErrorReason = 'document_invalid';

/** A stored allocation or block that does not match its schema: a bug or a hand edit, never retried away. */
export class AllocationDocumentError extends Error {
  override readonly name = 'AllocationDocumentError';
  constructor(
    readonly reason: AllocationErrorReason,
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}
