import { type Static, Type } from '@sinclair/typebox';
import { ProblemError } from '../problem/problem-error';
import { defineRoute, type Route } from '../route/define-route';
import { UserId, type UserRegistry } from './user-registry';

export const CreateUserRequest = Type.Object(
  {
    user_id: Type.Optional(UserId),
    email: Type.Optional(
      Type.String({ minLength: 3, maxLength: 320, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    ),
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { $id: 'CreateUserRequest', additionalProperties: false },
);
export type CreateUserRequest = Static<typeof CreateUserRequest>;

export const IssuedApiKey = Type.Object(
  {
    api_key: Type.String({ description: 'Shown once; only its hash is stored' }),
    key_id: Type.String({ description: 'Public id of the key, to revoke it' }),
  },
  { $id: 'IssuedApiKey', additionalProperties: false },
);
export type IssuedApiKey = Static<typeof IssuedApiKey>;

export const CreatedUser = Type.Object(
  { user_id: Type.String(), api_key: Type.String(), key_id: Type.String() },
  { $id: 'CreatedUser', additionalProperties: false },
);
export type CreatedUser = Static<typeof CreatedUser>;

export const UserView = Type.Object(
  {
    user_id: Type.String(),
    created_at: Type.String({ description: 'RFC 3339' }),
    created_by: Type.String(),
    email: Type.Optional(Type.String()),
    display_name: Type.Optional(Type.String()),
  },
  { $id: 'User', additionalProperties: false },
);
export type UserView = Static<typeof UserView>;

export const RevokedApiKey = Type.Object(
  {
    key_id: Type.String(),
    user_id: Type.String(),
    revoked_at: Type.String({ description: 'RFC 3339' }),
  },
  { $id: 'RevokedApiKey', additionalProperties: false },
);
export type RevokedApiKey = Static<typeof RevokedApiKey>;

const KeyId = Type.String({ pattern: '^key_[A-Za-z0-9_-]{12}$' });

/**
 * The operator API of the user registry, for any app to mount. Not idempotent by key: an
 * answer carrying an API key must never be kept (the key is stored only as a hash).
 */
export function registryRoutes(registry: UserRegistry): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/admin/users',
      summary: 'Create a user and its first API key (the key is shown once)',
      tags: ['admin'],
      auth: 'operator',
      body: CreateUserRequest,
      responses: { 201: CreatedUser },
      problems: [409],
      idempotent: false,
      async handler({ body, principal }) {
        const { user, apiKey, keyId } = await registry.createUser(body, principal.email);
        return { status: 201, body: { user_id: user.user_id, api_key: apiKey, key_id: keyId } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/admin/users/{user_id}',
      summary: 'Read a user',
      tags: ['admin'],
      auth: 'operator',
      params: Type.Object({ user_id: UserId }),
      responses: { 200: UserView },
      async handler({ params }) {
        const user = await registry.getUser(params.user_id);
        if (!user) throw new ProblemError(404, 'not_found', `user ${params.user_id} not found`);
        return { status: 200, body: user };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/users/{user_id}/keys',
      summary: 'Issue another API key for a user (shown once)',
      tags: ['admin'],
      auth: 'operator',
      params: Type.Object({ user_id: UserId }),
      responses: { 201: IssuedApiKey },
      idempotent: false,
      async handler({ params }) {
        const { apiKey, keyId } = await registry.issueKey(params.user_id);
        return { status: 201, body: { api_key: apiKey, key_id: keyId } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/admin/keys/{key_id}/revoke',
      summary: 'Revoke an API key (revoking twice answers the first revocation)',
      tags: ['admin'],
      auth: 'operator',
      params: Type.Object({ key_id: KeyId }),
      responses: { 200: RevokedApiKey },
      idempotent: false,
      async handler({ params }) {
        const revoked = await registry.revokeKey(params.key_id);
        return {
          status: 200,
          body: { key_id: revoked.keyId, user_id: revoked.userId, revoked_at: revoked.revokedAt },
        };
      },
    }),
  ];
}
