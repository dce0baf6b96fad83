import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TERRAFORM_DIR } from './support/terraform';

/** The terraform binary, when this machine has one (ours do; the Google providers it cannot fetch). */
function terraformBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

const terraform = terraformBinary();

describe('terraform fmt', () => {
  // Only the binary's absence skips this; where it exists, the check runs for real.
  it.skipIf(terraform === undefined)('finds every .tf file under infra/terraform formatted', () => {
    const result = spawnSync(terraform as string, ['fmt', '-check', '-recursive', '-diff'], {
      cwd: TERRAFORM_DIR,
      encoding: 'utf8',
    });
    expect(result.status, `terraform fmt -check:\n${result.stdout}${result.stderr}`).toBe(0);
    expect(execFileSync(terraform as string, ['version'], { encoding: 'utf8' })).toMatch(
      /Terraform v1\.(9|[1-9]\d)/,
    );
  });
});
