import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeUrl, renderReadme } from './architecture-diagram';
import { toServicesTfvars } from './services-tfvars';
import {
  renderTfvars,
  TERRAFORM_ENVIRONMENTS,
  type TerraformEnvironment,
  tfvarsFileUrl,
} from './tfvars';

/** Writes every generated file; `tfvars` is the same command under its older name. */
export const GENERATE_COMMAND = 'pnpm --filter @gpuaas/topology generate';

/** A file derived from the catalog and the services table, committed, and checked for staleness. */
export interface GeneratedFile {
  url: URL;
  /** The environment it belongs to; none for what serves every environment. */
  env?: TerraformEnvironment;
  render: () => string;
}

export const servicesTfvarsFileUrl = (env: TerraformEnvironment): URL =>
  new URL(
    `../../../infra/terraform/environments/${env}/services.auto.tfvars.json`,
    import.meta.url,
  );

/** `services.auto.tfvars.json` of an environment, as `generate` writes it. */
export function renderServicesTfvars(env: TerraformEnvironment): string {
  return `${JSON.stringify(toServicesTfvars(env), null, 2)}\n`;
}

/** Every generated file of the given environments (default: dev and prod). */
export function generatedFiles(
  envs: readonly TerraformEnvironment[] = TERRAFORM_ENVIRONMENTS,
): GeneratedFile[] {
  const perEnvironment = envs.flatMap((env): GeneratedFile[] => [
    { url: tfvarsFileUrl(env), env, render: () => renderTfvars(env) },
    { url: servicesTfvarsFileUrl(env), env, render: () => renderServicesTfvars(env) },
  ]);
  // The README's diagram of the services and the bus, with the full set only.
  const everyEnvironment = TERRAFORM_ENVIRONMENTS.every((env) => envs.includes(env));
  return everyEnvironment
    ? [...perEnvironment, { url: readmeUrl, render: renderReadme }]
    : perEnvironment;
}

function readCommitted(url: URL): string | undefined {
  try {
    return readFileSync(url, 'utf8');
  } catch {
    return undefined;
  }
}

/** True when the committed file is what `generate` would write now. */
export const isCurrent = (file: GeneratedFile): boolean =>
  readCommitted(file.url) === file.render();

/** Writes a generated file; returns its path and whether it changed. */
export function writeGenerated(file: GeneratedFile): { path: string; changed: boolean } {
  const content = file.render();
  const changed = readCommitted(file.url) !== content;
  if (changed) writeFileSync(file.url, content);
  return { path: fileURLToPath(file.url), changed };
}
