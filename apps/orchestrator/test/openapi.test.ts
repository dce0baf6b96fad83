import { randomUUID } from 'node:crypto';
import { recordDepletion } from '@gpuaas/allocations';
import { formats } from '@gpuaas/contracts';
import type { OpenApiDocument } from '@gpuaas/http-api';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type CallOptions, Harness } from './harness';

type Operation = OpenApiDocument['paths'][string][string];
interface Ctx {
  auth: string;
  userId: string;
  keyId: string;
  allocationId: string;
  blockedAuth: string;
}
type Sample = { path: string; status: number } & CallOptions;

/** Requests per operation: the happy one first, then problems the operation documents. */
const SAMPLES: Record<string, (c: Ctx) => Sample[]> = {
  postV1Allocations: (c) => [
    {
      path: '/v1/allocations',
      auth: c.auth,
      body: { gpu_type: 'h100', gpu_count: 1 },
      status: 202,
    },
    { path: '/v1/allocations', auth: c.auth, body: { gpu_type: 'h100' }, status: 400 },
    { path: '/v1/allocations', body: { gpu_type: 'h100', gpu_count: 1 }, status: 401 },
    {
      path: '/v1/allocations',
      auth: c.blockedAuth,
      body: { gpu_type: 'h100', gpu_count: 1 },
      status: 402,
    },
    { path: '/v1/allocations', auth: c.auth, raw: 'x'.repeat(20_000), status: 413 },
    {
      path: '/v1/allocations',
      auth: c.auth,
      raw: 'gpu_type=h100',
      headers: { 'content-type': 'text/plain' },
      status: 415,
    },
  ],
  postV1AllocationsAllocationIdRelease: (c) => [
    { path: `/v1/allocations/${c.allocationId}/release`, auth: c.auth, status: 202 },
    { path: '/v1/allocations/alloc_missing/release', auth: c.auth, status: 404 },
    // No body is declared, but the body limit holds for every POST.
    {
      path: `/v1/allocations/${c.allocationId}/release`,
      auth: c.auth,
      raw: 'x'.repeat(20_000),
      status: 413,
    },
  ],
  getV1AllocationsAllocationId: (c) => [
    { path: `/v1/allocations/${c.allocationId}`, auth: c.auth, status: 200 },
    { path: '/v1/allocations/bad%20id', auth: c.auth, status: 400 },
    { path: '/v1/allocations/alloc_missing', auth: c.auth, status: 404 },
  ],
  getV1Allocations: (c) => [
    { path: '/v1/allocations?status=requested&limit=1', auth: c.auth, status: 200 },
    { path: '/v1/allocations?cursor=bogus', auth: c.auth, status: 400 },
  ],
  getV1GpuTypes: () => [{ path: '/v1/gpu-types', status: 200 }],
  postV1AdminUsers: () => [
    { path: '/v1/admin/users', body: {}, status: 201 },
    { path: '/v1/admin/users', body: { nickname: 'x' }, status: 400 },
  ],
  getV1AdminUsersUserId: (c) => [
    { path: `/v1/admin/users/${c.userId}`, status: 200 },
    { path: '/v1/admin/users/nobody-here', status: 404 },
  ],
  postV1AdminUsersUserIdKeys: (c) => [{ path: `/v1/admin/users/${c.userId}/keys`, status: 201 }],
  postV1AdminKeysKeyIdRevoke: (c) => [{ path: `/v1/admin/keys/${c.keyId}/revoke`, status: 200 }],
};

describe('the orchestrator OpenAPI document', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check);

  beforeAll(async () => {
    h = await Harness.start();
    const res = await h.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body as unknown as OpenApiDocument;
    ajv.addSchema({ $id: 'doc', components: doc.components }, 'doc');
  });
  afterAll(() => h.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );

  function expectDocumented(op: Operation, res: Answer, label: string) {
    let response = op.responses[String(res.status)];
    expect(response, `${label}: status ${res.status} is documented`).toBeDefined();
    if (typeof response?.$ref === 'string') {
      response = (doc.components.responses as Record<string, Record<string, unknown>>)[
        response.$ref.split('/').pop() as string
      ];
    }
    // Every header documented for the answer is sent (Idempotent-Replayed only on a replay).
    const headers = Object.keys((response?.headers as Record<string, unknown> | undefined) ?? {});
    for (const name of headers.filter((h) => h !== 'Idempotent-Replayed')) {
      expect(res.headers.get(name), `${label}: header ${name}`).not.toBeNull();
    }
    const content = response?.content as Record<string, { schema: unknown }> | undefined;
    if (!content) return;
    const [mediaType, media] = Object.entries(content)[0] as [string, { schema: unknown }];
    expect(res.contentType.split(';')[0], label).toBe(mediaType);
    const schema = JSON.parse(
      JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'),
    );
    const validate = ajv.compile(schema);
    expect(validate(res.body), `${label}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents the request from the configured offer and the 402', () => {
    expect(doc.components.schemas.AllocationRequest).toMatchObject({
      additionalProperties: false,
      required: ['gpu_type', 'gpu_count'],
      properties: { gpu_count: { type: 'integer', minimum: 1, maximum: 8 } },
    });
    const post = doc.paths['/v1/allocations']?.post;
    expect(Object.keys(post?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '402', '409']),
    );
    expect(post?.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
    );
  });

  it('has samples for exactly the documented operations', () => {
    expect(
      operations()
        .map(({ op }) => op.operationId)
        .sort(),
    ).toEqual(Object.keys(SAMPLES).sort());
  });

  it('every operation answers as documented', async () => {
    {
      const user = await h.user();
      const blocked = await h.user();
      await h.firestore.runTransaction((tx) =>
        recordDepletion(
          tx,
          h.firestore,
          {
            user_id: blocked.userId,
            currency: 'USD',
            depleted_at: new Date().toISOString(),
            balance_micros: 0,
          },
          new Date().toISOString(),
        ),
      );
      const created = await h.call('POST', '/v1/allocations', {
        auth: user.apiKey,
        body: { gpu_type: 'a100', gpu_count: 1 },
        headers: { 'idempotency-key': randomUUID() },
      });
      const ctx: Ctx = {
        auth: user.apiKey,
        userId: user.userId,
        keyId: user.keyId,
        allocationId: created.body.allocation_id as string,
        blockedAuth: blocked.apiKey,
      };
      // The samples leave what they use usable (a second release is 202, a second revoke 200).
      for (const { method, op } of operations()) {
        for (const sample of (SAMPLES[op.operationId] as (c: Ctx) => Sample[])(ctx)) {
          const label = `${op.operationId} ${sample.path} → ${sample.status}`;
          const res = await h.call(method, sample.path, sample);
          expect(res.status, label).toBe(sample.status);
          expectDocumented(op, res, label);
        }
      }
    }
  });

  it('serves a docs page listing every operation', async () => {
    const res = await h.served.service.app.request('/docs');
    const page = await res.text();
    for (const { op } of operations()) expect(page).toContain(`id="${op.operationId}"`);
  });
});
