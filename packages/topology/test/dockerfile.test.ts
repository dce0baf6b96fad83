import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INFRA_DIR } from './support/terraform';

interface Instruction {
  stage: string;
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, each with the stage it is in. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  let stage = '';
  const result: Instruction[] = [];
  for (const line of joined.split('\n')) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (match === null || line.trim().startsWith('#')) continue;
    const [, keyword = '', args = ''] = match;
    if (keyword === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? '';
    result.push({ stage, keyword, args });
  }
  return result;
}

const dockerfile = instructions(readFileSync(join(INFRA_DIR, 'docker', 'Dockerfile.app'), 'utf8'));
const guardRun = dockerfile.find((i) => i.stage === 'app-check' && i.keyword === 'RUN');
/** The guard's shell, without RUN's own flags (`--mount=...`). */
const guard = (guardRun?.args ?? '').replace(/^(--\S+\s+)+/, '');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs the guard as the build does: in the build context, with APP set. */
function runGuard(app: string, apps: string[]) {
  const context = mkdtempSync(join(tmpdir(), 'dockerfile-guard-'));
  dirs.push(context);
  for (const name of apps) {
    mkdirSync(join(context, 'apps', name), { recursive: true });
    writeFileSync(join(context, 'apps', name, 'package.json'), '{}');
  }
  return spawnSync('sh', ['-c', guard], {
    cwd: context,
    env: { PATH: process.env.PATH, APP: app },
    encoding: 'utf8',
  });
}

describe('infra/docker/Dockerfile.app', () => {
  it('checks the app in its own stage, over the build context, before the build stage installs anything', () => {
    expect(guardRun?.args).toMatch(/^--mount=type=bind,target=\/context /);
    expect(dockerfile.find((i) => i.stage === 'app-check' && i.keyword === 'WORKDIR')?.args).toBe(
      '/context',
    );
    const build = dockerfile.filter((i) => i.stage === 'build');
    const gate = build.findIndex(
      (i) => i.keyword === 'COPY' && i.args.startsWith('--from=app-check '),
    );
    const firstRun = build.findIndex((i) => i.keyword === 'RUN');
    expect(gate).toBeGreaterThan(-1);
    expect(gate).toBeLessThan(firstRun);
    expect(build[firstRun]?.args).toMatch(/npm install --global pnpm/);
  });

  it('fails at once, naming the app, when apps/<APP> does not exist', () => {
    const run = runGuard('billing-wroker', ['billing-worker', 'orchestrator']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toBe(
      'APP=billing-wroker: apps/billing-wroker/package.json does not exist (apps here: billing-worker orchestrator )\n',
    );
    const none = runGuard('replay', []);
    expect(none.status).not.toBe(0);
    expect(none.stderr).toContain(
      'APP=replay: apps/replay/package.json does not exist (apps here: none)',
    );
  });

  it('refuses an empty APP and names outside apps/', () => {
    expect(runGuard('', ['replay']).stderr).toContain(
      'pass --build-arg APP=<directory under apps/>',
    );
    for (const app of ['../packages/eventing', '.', 'apps/replay']) {
      const run = runGuard(app, ['replay']);
      expect(run.status, app).not.toBe(0);
      expect(run.stderr, app).toContain(`APP=${app}: name a directory under apps/`);
    }
  });

  it('passes an app that exists', () => {
    const run = runGuard('replay', ['replay', 'payments']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
