import { createHash } from 'node:crypto';
import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
import { CHUNK_BYTES, chunksOf, INLINE_DATA_BYTES } from '../domain/letter-data';
import { DATA_CHUNKS, DEAD_LETTERS } from './collections';
import type { StoredData } from './dead-letter-record';

export interface DataStore {
  /**
   * Stores the bytes of an entry: small data goes inline in the entry; larger data is written to
   * chunk documents first (content-addressed, so writing them twice is harmless).
   */
  put(entryId: string, data: Buffer, expireAt: Timestamp): Promise<StoredData>;
  get(entryId: string, stored: StoredData): Promise<Buffer>;
  /** Moves the TTL of an entry's chunks along with the entry's. */
  extend(entryId: string, stored: StoredData, expireAt: Timestamp): Promise<void>;
}

export class DataIntegrityError extends Error {
  override readonly name = 'DataIntegrityError';
  constructor(
    readonly entryId: string,
    readonly reason: 'chunk_missing' | 'hash_mismatch',
  ) {
    super(`data of ${entryId}: ${reason}`);
  }
}

/** Chunks are read a few at a time: one gRPC answer stays well under its size limits. */
const PARALLEL_CHUNKS = 3;

export function createDataStore(firestore: Firestore): DataStore {
  const chunkRef = (entryId: string, sha256: string, index: number): DocumentReference =>
    firestore
      .collection(DEAD_LETTERS)
      .doc(entryId)
      .collection(DATA_CHUNKS)
      .doc(`${sha256}-${index}`);

  return {
    async put(entryId, data, expireAt) {
      const sha256 = createHash('sha256').update(data).digest('hex');
      if (data.length <= INLINE_DATA_BYTES) {
        return { size: data.length, sha256, inline: data, chunks: 0 };
      }
      const chunks = chunksOf(data, CHUNK_BYTES);
      // One document per write: a commit is limited to 10 MiB, a document to 1 MiB.
      await Promise.all(
        chunks.map((bytes, index) =>
          chunkRef(entryId, sha256, index).set({ bytes, index, sha256, expire_at: expireAt }),
        ),
      );
      return { size: data.length, sha256, inline: null, chunks: chunks.length };
    },

    async get(entryId, stored) {
      if (stored.inline) return Buffer.from(stored.inline);
      const parts: Buffer[] = [];
      for (let start = 0; start < stored.chunks; start += PARALLEL_CHUNKS) {
        const indexes = Array.from(
          { length: Math.min(PARALLEL_CHUNKS, stored.chunks - start) },
          (_, i) => start + i,
        );
        const snaps = await Promise.all(
          indexes.map((index) => chunkRef(entryId, stored.sha256, index).get()),
        );
        for (const snap of snaps) {
          const bytes = snap.get('bytes') as Uint8Array | undefined;
          if (!bytes) throw new DataIntegrityError(entryId, 'chunk_missing');
          parts.push(Buffer.from(bytes));
        }
      }
      const data = Buffer.concat(parts);
      const sha256 = createHash('sha256').update(data).digest('hex');
      if (sha256 !== stored.sha256) throw new DataIntegrityError(entryId, 'hash_mismatch');
      return data;
    },

    async extend(entryId, stored, expireAt) {
      if (stored.chunks === 0) return;
      await Promise.all(
        Array.from({ length: stored.chunks }, (_, index) =>
          chunkRef(entryId, stored.sha256, index).update({ expire_at: expireAt }),
        ),
      );
    },
  };
}
