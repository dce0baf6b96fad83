import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { EVENT_TYPES } from '@gpuaas/contracts';
import { pubsubClient, uniqueProjectId } from '@gpuaas/testkit';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('pnpm dev', () => {
  it('applies the local bus on the emulators, stays up, and stops cleanly on Ctrl-C', async () => {
    const project = uniqueProjectId('dev');
    // PUBSUB_EMULATOR_HOST from the global setup: dev reuses the running pair and leaves it up.
    const child = spawn(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        new URL('../src/dev.ts', import.meta.url).pathname,
        '--project',
        project,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await expect
      .poll(() => output, { timeout: 60_000, interval: 200 })
      .toContain('local platform ready');
    expect(output).toContain(`export GOOGLE_CLOUD_PROJECT=${project}`);

    const pubsub = pubsubClient(project);
    const [topics] = await pubsub.getTopics();
    const names = topics.map((topic) => topic.name.split('/').pop());
    for (const eventType of EVENT_TYPES) expect(names).toContain(eventType);
    expect(names).toContain('provisioning-worker.dlq');
    await pubsub.close();

    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('received SIGINT');
  });
});
