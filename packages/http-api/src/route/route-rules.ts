import { type TSchema, TypeGuard } from '@sinclair/typebox';

/** A declaration the package refuses at definition time, before any request arrives. */
export class RouteDefinitionError extends Error {
  override readonly name = 'RouteDefinitionError';
  constructor(
    readonly route: string,
    message: string,
  ) {
    super(`${route}: ${message}`);
  }
}

/** `/v1/users/{user_id}/keys` → `['user_id']`. */
export const pathParamNames = (path: string): string[] =>
  [...path.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string);

/** `/v1/users/{user_id}` → `/v1/users/:user_id`, Hono's form of the same template. */
export const honoPath = (path: string): string =>
  path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');

/**
 * Pointers of object schemas that accept unknown properties: an unknown field must be a 400,
 * so every object of a body is closed. Records (patternProperties) are open by design.
 */
export function openObjects(schema: TSchema, pointer = ''): string[] {
  if (TypeGuard.IsObject(schema)) {
    const closed = schema.additionalProperties === false || schema.unevaluatedProperties === false;
    const own = closed ? [] : [pointer || '/'];
    const nested = Object.entries(schema.properties).flatMap(([key, s]) =>
      openObjects(s, `${pointer}/${key}`),
    );
    return [...own, ...nested];
  }
  if (TypeGuard.IsArray(schema)) return openObjects(schema.items, `${pointer}/0`);
  if (TypeGuard.IsUnion(schema)) return schema.anyOf.flatMap((s) => openObjects(s, pointer));
  // An intersection is closed as a whole (TypeBox's `unevaluatedProperties: false`).
  if (TypeGuard.IsIntersect(schema)) {
    return schema.unevaluatedProperties === false ? [] : [pointer || '/'];
  }
  return [];
}

export const hasProperty = (schema: TSchema | undefined, name: string): boolean =>
  schema !== undefined && TypeGuard.IsObject(schema) && name in schema.properties;
