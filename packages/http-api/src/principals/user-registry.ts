import { randomBytes } from 'node:crypto';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { invalidInput, ProblemError } from '../problem/problem-error';
import { apiKeyHash, isApiKeyShaped, newApiKey, newKeyId } from './api-key';
import type { UserPrincipal } from './principal';

export const USERS_COLLECTION = 'users';
export const API_KEYS_COLLECTION = 'api_keys';

/** A user id: safe as a Firestore document id and in a URL path. */
export const UserId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$' });
export type UserId = Static<typeof UserId>;
const checkUserId = TypeCompiler.Compile(UserId);

/** `users/{user_id}`. */
export interface UserRecord {
  created_at: Timestamp;
  /** The operator's email (or `local-operator`, `system`) who created the user. */
  created_by: string;
  email?: string;
  display_name?: string;
}

/** `api_keys/{sha256 hex of the key}`: the key itself is never stored. */
export interface ApiKeyRecord {
  user_id: string;
  key_id: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface NewUser {
  user_id?: string;
  email?: string;
  display_name?: string;
}

export interface User {
  user_id: string;
  created_at: string;
  created_by: string;
  email?: string;
  display_name?: string;
}

export interface IssuedKey {
  /** Shown once: only its hash is kept. */
  apiKey: string;
  keyId: string;
}

export interface RevokedKey {
  keyId: string;
  userId: string;
  revokedAt: string;
}

export interface UserRegistry {
  /** Creates the user and its first key in one transaction; a 409 problem if the id is taken. */
  createUser(input: NewUser, createdBy: string): Promise<{ user: User } & IssuedKey>;
  getUser(userId: string): Promise<User | undefined>;
  exists(userId: string): Promise<boolean>;
  issueKey(userId: string): Promise<IssuedKey>;
  /** Idempotent: revoking a revoked key answers its first revocation. */
  revokeKey(keyId: string): Promise<RevokedKey>;
  /** A user principal for a live key; a 401 problem for anything else. */
  authenticate(apiKey: string): Promise<UserPrincipal>;
}

const keyRecord = (userId: string, keyId: string, at: Timestamp): ApiKeyRecord => ({
  user_id: userId,
  key_id: keyId,
  created_at: at,
  revoked_at: null,
});
const unauthenticated = () =>
  new ProblemError(401, 'unauthenticated', 'invalid credentials', {
    headers: { 'www-authenticate': 'Bearer' },
  });

const toUser = (userId: string, record: UserRecord): User => ({
  user_id: userId,
  created_at: record.created_at.toDate().toISOString(),
  created_by: record.created_by,
  ...(record.email !== undefined ? { email: record.email } : {}),
  ...(record.display_name !== undefined ? { display_name: record.display_name } : {}),
});

/** The one registry of users and their API keys, in Firestore. */
export function createUserRegistry(firestore: Firestore): UserRegistry {
  const users = firestore.collection(USERS_COLLECTION);
  const keys = firestore.collection(API_KEYS_COLLECTION);

  return {
    async createUser(input, createdBy) {
      const userId = input.user_id ?? `usr_${randomBytes(12).toString('base64url')}`;
      if (!checkUserId.Check(userId)) {
        throw invalidInput('body', '/user_id', `user_id must match ${UserId.pattern}`);
      }
      const now = Timestamp.now();
      const record: UserRecord = {
        created_at: now,
        created_by: createdBy,
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.display_name !== undefined ? { display_name: input.display_name } : {}),
      };
      const apiKey = newApiKey();
      const keyId = newKeyId();
      // The user and its first key together: never a user nobody can authenticate as.
      await firestore.runTransaction(async (tx) => {
        const existing = await tx.get(users.doc(userId));
        if (existing.exists)
          throw new ProblemError(409, 'user_exists', `user ${userId} already exists`);
        tx.create(users.doc(userId), record);
        tx.create(keys.doc(apiKeyHash(apiKey)), keyRecord(userId, keyId, now));
      });
      return { user: toUser(userId, record), apiKey, keyId };
    },

    // An id no user can have (a path, say) is simply not a user: callers need not check first.
    async getUser(userId) {
      if (!checkUserId.Check(userId)) return undefined;
      const snap = await users.doc(userId).get();
      return snap.exists ? toUser(userId, snap.data() as UserRecord) : undefined;
    },

    async exists(userId) {
      if (!checkUserId.Check(userId)) return false;
      return (await users.doc(userId).get()).exists;
    },

    async issueKey(userId) {
      if (!checkUserId.Check(userId)) throw new ProblemError(404, 'not_found', 'user not found');
      const apiKey = newApiKey();
      const keyId = newKeyId();
      await firestore.runTransaction(async (tx) => {
        const user = await tx.get(users.doc(userId));
        if (!user.exists) throw new ProblemError(404, 'not_found', `user ${userId} not found`);
        const record: ApiKeyRecord = {
          user_id: userId,
          key_id: keyId,
          created_at: Timestamp.now(),
          revoked_at: null,
        };
        tx.create(keys.doc(apiKeyHash(apiKey)), record);
      });
      return { apiKey, keyId };
    },

    async revokeKey(keyId) {
      return firestore.runTransaction(async (tx) => {
        const found = await tx.get(keys.where('key_id', '==', keyId).limit(1));
        const doc = found.docs[0];
        if (!doc) throw new ProblemError(404, 'not_found', `key ${keyId} not found`);
        const record = doc.data() as ApiKeyRecord;
        const revokedAt = record.revoked_at ?? Timestamp.now();
        if (!record.revoked_at) tx.update(doc.ref, { revoked_at: revokedAt });
        return { keyId, userId: record.user_id, revokedAt: revokedAt.toDate().toISOString() };
      });
    },

    async authenticate(apiKey) {
      if (!isApiKeyShaped(apiKey)) throw unauthenticated();
      const snap = await keys.doc(apiKeyHash(apiKey)).get();
      const record = snap.data() as ApiKeyRecord | undefined;
      if (!record || record.revoked_at) throw unauthenticated();
      return { kind: 'user', userId: record.user_id, keyId: record.key_id };
    },
  };
}
