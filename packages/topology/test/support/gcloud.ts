import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INFRA_DIR } from './terraform';

export const GCLOUD_DIR = join(INFRA_DIR, 'gcloud');

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every gcloud invocation the script made, one argument string each. */
  gcloudCalls: string[];
}

export interface GcloudSandbox {
  dir: string;
  run(script: string, args: string[], env?: Record<string, string>): Promise<ScriptRun>;
  remove(): void;
}

/**
 * A temp dir whose bin/gcloud logs each call, then runs `target` (the real gcloud, or a
 * stub script body). CLOUDSDK_CONFIG points inside it, so no user gcloud config is read or written.
 */
export function gcloudSandbox(target: { real: true } | { stub: string }): GcloudSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'topology-gcloud-'));
  const log = join(dir, 'calls.log');
  let body: string;
  if ('real' in target) {
    let real: string;
    try {
      real = execFileSync('bash', ['-c', 'command -v gcloud'], { encoding: 'utf8' }).trim();
    } catch {
      throw new Error(
        'gcloud not found: install the Google Cloud SDK (see README.md, Prerequisites)',
      );
    }
    body = `exec ${JSON.stringify(real)} "$@"`;
  } else {
    body = target.stub;
  }
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(bin, 'gcloud'),
    `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(log)}\n${body}\n`,
  );
  chmodSync(join(bin, 'gcloud'), 0o755);
  writeFileSync(log, '');

  return {
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
    run(script, args, env = {}) {
      const before = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
      return new Promise((resolve) => {
        execFile(
          'bash',
          [join(GCLOUD_DIR, script), ...args],
          {
            env: {
              ...process.env,
              PATH: `${bin}:${process.env.PATH ?? ''}`,
              CLOUDSDK_CONFIG: join(dir, 'config'),
              CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
              CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
              CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
              ...env,
            },
            timeout: 540_000,
            maxBuffer: 16 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(before);
            const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
            resolve({ code, stdout, stderr, gcloudCalls: calls });
          },
        );
      });
    },
  };
}
