import { createService } from '@gpuaas/eventing';
import type { OpenApiDocument } from '@gpuaas/http-api';
import { firestoreClient, pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../config';
import { provisioningWorkerService } from '../service';

describe('the worker operations API document', () => {
  it('is a valid OpenAPI 3.1 document with the resolve route and its problems', async () => {
    const projectId = uniqueProjectId('worker-openapi');
    const config = loadWorkerConfig({
      SERVICE_NAME: 'provisioning-worker',
      GCP_PROJECT_ID: projectId,
      PUSH_AUTH: 'off',
      OPERATOR_AUTH: 'off',
      LOG_LEVEL: 'silent',
    });
    const service = createService({
      ...provisioningWorkerService(config),
      firestore: firestoreClient(projectId),
      pubsub: pubsubClient(projectId),
    });
    try {
      const doc = (await (await service.app.request('/openapi.json')).json()) as OpenApiDocument;
      const validator = new Validator();
      const result = await validator.validate(structuredClone(doc) as never);
      expect(result.errors).toBeUndefined();
      const resolve = doc.paths['/v1/admin/allocations/{allocation_id}/resolve']?.post;
      expect(Object.keys(resolve?.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '401', '403', '404', '409']),
      );
      const missing = await service.app.request('/v1/admin/allocations/alloc_none/resolve', {
        method: 'POST',
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await service.shutdown();
    }
  });
});
