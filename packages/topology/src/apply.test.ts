import type { PubSub } from '@google-cloud/pubsub';
import { afterEach, describe, expect, it } from 'vitest';
import { apply } from './apply';
import { deriveBus } from './derive-bus';
import { readEnvironmentFile } from './environment-file';
import { resolveEnvironment } from './resolve-environment';
import { runCli } from './run-cli';
import { TopologyError } from './topology-error';

const devBus = deriveBus(
  resolveEnvironment(readEnvironmentFile('dev'), { project: 'p1', projectNumber: '123' }).settings,
);

describe('apply on a real project', () => {
  const emulatorHost = process.env.PUBSUB_EMULATOR_HOST;
  afterEach(() => {
    if (emulatorHost === undefined) delete process.env.PUBSUB_EMULATOR_HOST;
    else process.env.PUBSUB_EMULATOR_HOST = emulatorHost;
  });

  it('refuses before any Pub/Sub call, pointing to Terraform and deploy-bus.sh (it grants no IAM)', async () => {
    // No methods: any call (list, create) would fail with a TypeError instead.
    const project = { isEmulator: false } as unknown as PubSub;
    const refused = apply(project, devBus);
    await expect(refused).rejects.toBeInstanceOf(TopologyError);
    await expect(apply(project, devBus)).rejects.toMatchObject({ code: 'apply_unsupported' });
    await expect(apply(project, devBus)).rejects.toThrow(
      /Terraform.*infra\/gcloud\/deploy-bus\.sh/,
    );
  });

  it('is refused by the CLI for --env dev outside the emulator', async () => {
    delete process.env.PUBSUB_EMULATOR_HOST;
    const lines: string[] = [];
    await expect(
      runCli(['apply', '--env', 'dev', '--project', 'p1', '--project-number', '123'], (line) =>
        lines.push(line),
      ),
    ).rejects.toMatchObject({ code: 'apply_unsupported' });
    expect(lines.join('\n')).not.toMatch(/created|Applied/);
  });
});
