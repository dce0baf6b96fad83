import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineRoute } from './define-route';
import { honoPath, openObjects, pathParamNames } from './route-rules';

const ok = { status: 200 as const, body: {} };
const base = {
  method: 'GET',
  path: '/v1/things/{thing_id}',
  summary: 'a thing',
  auth: 'user',
  params: Type.Object({ thing_id: Type.String() }),
  responses: { 200: Type.Object({}) },
  handler: () => ok,
} as const;

describe('defineRoute', () => {
  it('maps the OpenAPI path template to Hono and defaults idempotency by method', () => {
    const route = defineRoute(base);
    expect(route.honoPath).toBe('/v1/things/:thing_id');
    expect(route.idempotency).toBe(false);
    const post = defineRoute({ ...base, method: 'POST' });
    expect(post.idempotency).toBe(true);
  });

  it('refuses declarations that would misbehave at request time', () => {
    expect(() => defineRoute({ ...base, params: Type.Object({ other: Type.String() }) })).toThrow(
      /exactly the path parameters \{thing_id\}/,
    );
    expect(() => defineRoute({ ...base, params: undefined })).toThrow(/path parameters/);
    expect(() =>
      defineRoute({ ...base, method: 'POST', body: Type.Object({ a: Type.String() }) }),
    ).toThrow(/closed \(additionalProperties: false\) at \//);
    expect(() =>
      defineRoute({
        ...base,
        method: 'POST',
        body: Type.Object(
          { nested: Type.Object({ a: Type.String() }) },
          { additionalProperties: false },
        ),
      }),
    ).toThrow(/at \/nested/);
    expect(() =>
      defineRoute({ ...base, body: Type.Object({}, { additionalProperties: false }) }),
    ).toThrow(/GET and DELETE take no body/);
    // An open query would answer `?unknown_filter=x` as if it were not there.
    expect(() =>
      defineRoute({ ...base, query: Type.Object({ status: Type.Optional(Type.String()) }) }),
    ).toThrow(/query object must be closed/);
    expect(() =>
      defineRoute({
        ...base,
        query: Type.Object(
          { status: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
      }),
    ).not.toThrow();
    const notFound = { status: 404 as const, body: {} };
    expect(() =>
      defineRoute({ ...base, responses: { 404: Type.Object({}) }, handler: () => notFound }),
    ).toThrow(/ProblemError/);
    expect(() => defineRoute({ ...base, idempotent: true })).toThrow(/POST and PATCH only/);
    const anonymous = { ...base, method: 'POST', auth: 'none' } as const;
    expect(defineRoute(anonymous).idempotency).toBe(false);
    expect(() => defineRoute({ ...anonymous, idempotent: true })).toThrow(/authenticated route/);
    // @ts-expect-error an unknown auth mode
    expect(() => defineRoute({ ...base, auth: 'admin' })).toThrow(/auth must be one of/);
  });
});

describe('route rules', () => {
  it('reads path parameters and converts templates', () => {
    expect(pathParamNames('/v1/users/{user_id}/keys/{key_id}')).toEqual(['user_id', 'key_id']);
    expect(honoPath('/v1/users/{user_id}/keys/{key_id}')).toBe('/v1/users/:user_id/keys/:key_id');
  });

  it('finds open objects in arrays and unions, but accepts records and closed intersections', () => {
    const closed = (props: Parameters<typeof Type.Object>[0]) =>
      Type.Object(props, { additionalProperties: false });
    expect(openObjects(closed({ list: Type.Array(Type.Object({ a: Type.String() })) }))).toEqual([
      '/list/0',
    ]);
    expect(openObjects(Type.Union([closed({}), Type.Object({})]))).toEqual(['/']);
    expect(openObjects(closed({ labels: Type.Record(Type.String(), Type.String()) }))).toEqual([]);
    expect(
      openObjects(
        Type.Intersect([Type.Object({ a: Type.String() })], { unevaluatedProperties: false }),
      ),
    ).toEqual([]);
  });
});
