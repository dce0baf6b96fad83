import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../src/index';
import { type CallOptions, Harness, note } from './harness';

type Sample = (
  h: Harness,
  ctx: { auth: string; noteId: string; userId: string; keyId: string },
) => {
  path: string;
  status: number;
} & CallOptions;

/** A valid request per operation; the test fails when a documented operation has none. */
const SAMPLES: Record<string, Sample> = {
  postV1AdminUsers: (h) => ({
    path: '/v1/admin/users',
    auth: h.operatorToken(),
    body: {},
    status: 201,
  }),
  getV1AdminUsersUserId: (h, c) => ({
    path: `/v1/admin/users/${c.userId}`,
    auth: h.operatorToken(),
    status: 200,
  }),
  postV1AdminUsersUserIdKeys: (h, c) => ({
    path: `/v1/admin/users/${c.userId}/keys`,
    auth: h.operatorToken(),
    status: 201,
  }),
  postV1AdminKeysKeyIdRevoke: (h, c) => ({
    path: `/v1/admin/keys/${c.keyId}/revoke`,
    auth: h.operatorToken(),
    status: 200,
  }),
  postV1Notes: (_h, c) => ({ path: '/v1/notes', auth: c.auth, body: note(), status: 201 }),
  getV1NotesNoteId: (_h, c) => ({ path: `/v1/notes/${c.noteId}`, auth: c.auth, status: 200 }),
  deleteV1NotesNoteId: (_h, c) => ({ path: `/v1/notes/${c.noteId}`, auth: c.auth, status: 204 }),
  postV1NotesNoteIdArchive: (_h, c) => ({
    path: `/v1/notes/${c.noteId}/archive`,
    auth: c.auth,
    headers: { 'idempotency-key': randomUUID() },
    status: 200,
  }),
  getV1Notes: (_h, c) => ({ path: '/v1/notes?limit=1', auth: c.auth, status: 200 }),
  getV1OpsNotes: (h) => ({ path: '/v1/ops/notes?limit=1', auth: h.operatorToken(), status: 200 }),
  getV1Whoami: (_h, c) => ({ path: '/v1/whoami', auth: c.auth, status: 200 }),
  getV1Health: () => ({ path: '/v1/health', status: 200 }),
  getV1Boom: () => ({ path: '/v1/boom', status: 500 }),
};

describe('the OpenAPI document', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  beforeAll(async () => {
    h = await Harness.init();
    const res = await h.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as unknown as OpenApiDocument;
    // The named schemas are addressed as the document addresses them.
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  });
  afterAll(() => h.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );

  /** Checks an answer against what the document says of that operation and status. */
  function expectDocumented(
    op: OpenApiDocument['paths'][string][string],
    res: Awaited<ReturnType<Harness['call']>>,
  ) {
    let response = op.responses[String(res.status)];
    expect(response, `status ${res.status} is documented`).toBeDefined();
    if (typeof response?.$ref === 'string') {
      response = (doc.components.responses as Record<string, Record<string, unknown>>)[
        response.$ref.split('/').pop() as string
      ];
    }
    const content = response?.content as Record<string, { schema: unknown }> | undefined;
    if (!content) {
      expect(res.body).toBe('');
      return;
    }
    const [mediaType, media] = Object.entries(content)[0] as [
      string,
      { schema: Record<string, unknown> },
    ];
    expect(res.contentType.split(';')[0]).toBe(mediaType);
    const schema = JSON.parse(
      JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'),
    );
    const validate = ajv.compile(schema);
    expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
  }

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('embeds the route schemas, named ones as components, with the bearer schemes', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Note',
        'NotePage',
        'CreateNote',
        'Problem',
        'ProblemFieldError',
        'CreatedUser',
      ]),
    );
    expect(doc.components.schemas.CreateNote).toMatchObject({
      additionalProperties: false,
      required: ['title', 'priority', 'kind'],
      properties: { priority: { type: 'integer', minimum: 1, maximum: 5 } },
    });
    expect(doc.paths['/v1/notes']?.post?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateNote' } } },
    });
    expect(doc.components.securitySchemes).toMatchObject({
      userApiKey: { type: 'http', scheme: 'bearer' },
      operatorIdToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
    expect(doc.paths['/v1/ops/notes']?.get?.security).toEqual([{ operatorIdToken: [] }]);
    expect(doc.paths['/v1/health']?.get?.security).toEqual([]);
  });

  it('documents the problem responses of each operation', () => {
    const post = doc.paths['/v1/notes']?.post;
    for (const status of ['400', '401', '403', '404', '409', '413', '415', '422', '500', '503']) {
      expect(post?.responses[status], status).toEqual({
        $ref: `#/components/responses/Problem${status}`,
      });
    }
    expect(post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
    const archive = doc.paths['/v1/notes/{note_id}/archive']?.post;
    expect(archive?.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', required: true }),
    );
    // A POST without a declared body is still held to the body limit; it reads no media type.
    expect(Object.keys(archive?.responses ?? {})).toContain('413');
    expect(Object.keys(archive?.responses ?? {})).not.toContain('415');
    const health = doc.paths['/v1/health']?.get;
    expect(Object.keys(health?.responses ?? {})).toEqual(['200', '400', '404', '500', '503']);
    const list = doc.paths['/v1/notes']?.get;
    expect(list?.parameters).toContainEqual(
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        required: false,
        schema: expect.objectContaining({ default: 20 }),
      }),
    );
  });

  it('documents the headers a route declares on the answer that sets them', () => {
    const created = doc.paths['/v1/notes']?.post?.responses['201'] as {
      headers?: Record<string, { description: string }>;
    };
    expect(Object.keys(created.headers ?? {})).toEqual(['Location', 'Idempotent-Replayed']);
    expect(created.headers?.Location?.description).toBe('The note');
  });

  it('has a sample request for every operation', () => {
    expect(
      operations()
        .map(({ op }) => op.operationId)
        .sort(),
    ).toEqual(Object.keys(SAMPLES).sort());
  });

  it('every operation answers as documented', async () => {
    for (const { method, op } of operations()) {
      const user = await h.user();
      const created = await h.call('POST', '/v1/notes', { auth: user.auth, body: note() });
      const ctx = {
        auth: user.auth,
        noteId: created.body.note_id as string,
        userId: user.userId,
        keyId: user.keyId,
      };
      const sample = (SAMPLES[op.operationId] as Sample)(h, ctx);
      const res = await h.call(method, sample.path, sample);
      expect(res.status, op.operationId).toBe(sample.status);
      expectDocumented(op, res);

      if (op.security.length) {
        const { auth: _auth, ...anonymous } = sample;
        const refused = await h.call(method, sample.path, anonymous);
        expect(refused.status, `${op.operationId} without credentials`).toBe(401);
        expectDocumented(op, refused);
      }
      if (op.requestBody) {
        const invalid = await h.call(method, sample.path, {
          ...sample,
          body: { unknown_field: 1 },
        });
        expect(invalid.status, `${op.operationId} with a bad body`).toBe(400);
        expectDocumented(op, invalid);
      }
    }
  });

  it('serves a self-contained docs page listing operations, parameters and schemas', async () => {
    const res = await h.call('GET', '/docs');
    expect(res.status).toBe(200);
    expect(res.contentType).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = res.body as unknown as string;
    for (const { path, op } of operations()) {
      expect(page).toContain(`id="${op.operationId}"`);
      expect(page).toContain(path);
    }
    expect(page).toContain('Idempotency-Key');
    expect(page).toContain('id="schema-Note"');
    expect(page).toContain('id="problem-422"');
    expect(page).not.toMatch(/<script|<link|src="http|href="http/i);
  });
});
