import type { Timestamp } from '@google-cloud/firestore';
import { type TSchema, Type } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A Firestore Timestamp: its getters live on the prototype, so its shape is not checked. */
export const StoredTimestamp = Type.Unsafe<Timestamp>(Type.Any());
