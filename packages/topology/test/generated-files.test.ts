import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATE_COMMAND, generatedFiles, runCli } from '../src/index';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const files = generatedFiles();

describe('generated files', () => {
  it('are the bus and the services variables of each environment', () => {
    expect(files.map((file) => relative(REPO, fileURLToPath(file.url)))).toEqual([
      'infra/terraform/environments/dev/bus.auto.tfvars.json',
      'infra/terraform/environments/dev/services.auto.tfvars.json',
      'infra/terraform/environments/prod/bus.auto.tfvars.json',
      'infra/terraform/environments/prod/services.auto.tfvars.json',
      'README.md',
    ]);
  });

  it.each(files.map((file) => [relative(REPO, fileURLToPath(file.url)), file] as const))(
    '%s is what the catalog and the services table generate today',
    (path, file) => {
      let committed = '';
      try {
        committed = readFileSync(file.url, 'utf8');
      } catch {
        expect.fail(`${path} is missing: run \`${GENERATE_COMMAND}\` and commit the result`);
      }
      if (committed !== file.render()) {
        expect.fail(`${path} is stale: run \`${GENERATE_COMMAND}\` and commit the result`);
      }
    },
  );

  it('are reported up to date by `generate --check` (and its alias `tfvars --check`)', async () => {
    for (const command of ['generate', 'tfvars']) {
      const lines: string[] = [];
      expect(await runCli([command, '--check'], (line) => lines.push(line))).toBe(0);
      expect(lines).toHaveLength(files.length);
      expect(lines.every((line) => line.startsWith('up to date: '))).toBe(true);
    }
    expect(GENERATE_COMMAND).toBe('pnpm --filter @gpuaas/topology generate');
  });
});
