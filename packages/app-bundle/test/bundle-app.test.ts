import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { examples } from '@gpuaas/contracts';
import { encodeEvent } from '@gpuaas/eventing';
import { firestoreClient, uniqueProjectId } from '@gpuaas/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp } from '../src/bundle-app';

const run = promisify(execFile);
const REPO = new URL('../../../', import.meta.url).pathname;
const ENTRY = new URL('./fixtures/sample-service.ts', import.meta.url).pathname;

describe('bundleApp: the build step of every Cloud Run image', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'app-bundle-'));
    // The runtime dependencies exactly as the Dockerfile lays them out (pnpm deploy, hoisted).
    await run(
      'pnpm',
      [
        '--filter',
        '@gpuaas/eventing',
        'deploy',
        '--prod',
        '--config.node-linker=hoisted',
        '--prefer-offline',
        dir,
      ],
      { cwd: REPO },
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('inlines workspace TypeScript, keeps third-party packages external, and runs on plain node', async () => {
    const outfile = join(dir, 'dist', 'index.js');
    const result = await bundleApp({ entry: ENTRY, outfile });
    expect(result.external).toEqual(
      expect.arrayContaining(['@google-cloud/firestore', '@google-cloud/pubsub', 'hono']),
    );
    expect(result.external.some((name) => name.startsWith('@gpuaas/'))).toBe(false);
    const code = await readFile(outfile, 'utf8');
    expect(code).toContain('function defineSubscription');
    expect(code).not.toMatch(/from ["']@gpuaas\//);

    const projectId = uniqueProjectId('bundle');
    child = spawn(process.execPath, ['--enable-source-maps', outfile], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        SERVICE_NAME: 'provisioning-worker',
        GCP_PROJECT_ID: projectId,
        PUSH_AUTH: 'off',
        PORT: '0',
        PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
        FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
        METADATA_SERVER_DETECTION: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => /"port":(\d+)/.exec(output), { timeout: 30_000 }).not.toBeNull();
    const port = Number(/"port":(\d+)/.exec(output)?.[1]);

    const message = encodeEvent(
      'gpuaas.provisioning.requested',
      examples['gpuaas.provisioning.requested'],
      'orchestrator',
      {
        correlationId: 'bundle-test',
      },
    );
    const res = await fetch(`http://127.0.0.1:${port}/push/gpuaas.provisioning.requested`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: {
          data: message.data.toString('base64'),
          attributes: message.attributes,
          messageId: '1',
        },
      }),
    });
    expect(res.status).toBe(204);
    const firestore = firestoreClient(projectId);
    const allocation = await firestore
      .collection('allocations')
      .doc(examples['gpuaas.provisioning.requested'].allocation_id)
      .get();
    expect(allocation.get('state')).toBe('requested');
    await firestore.terminate();

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code_] = (await exited) as [number | null];
    expect(code_).toBe(0);
    expect(output).toContain('"message":"shutting down"');
  });
});
