import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const INFRA_DIR = fileURLToPath(new URL('../../../../infra/', import.meta.url));
export const TERRAFORM_DIR = join(INFRA_DIR, 'terraform');

/** hcl2json's JSON: blocks are arrays, expressions are `${...}` strings. */
export type Hcl = { [key: string]: unknown };

/** One Terraform directory (a module or an environment), its files' blocks merged. */
export interface TerraformDir {
  dir: string;
  files: string[];
  resource: Record<string, Record<string, Hcl>>;
  data: Record<string, Record<string, Hcl>>;
  variable: Record<string, Hcl>;
  output: Record<string, Hcl>;
  module: Record<string, Hcl>;
  locals: Hcl;
  terraform: Hcl[];
  provider: Record<string, Hcl>;
  /** `moved` blocks, `from`/`to` as `${address}` strings. */
  moved: Hcl[];
}

function tfFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tfFiles(path);
    return entry.name.endsWith('.tf') ? [path] : [];
  });
}

const first = (value: unknown): Hcl => (Array.isArray(value) ? value[0] : value) as Hcl;

/** Parses every `.tf` file under infra/terraform with @cdktf/hcl2json, grouped by directory. */
export async function parseTerraform(): Promise<Map<string, TerraformDir>> {
  const dirs = new Map<string, TerraformDir>();
  for (const path of tfFiles(TERRAFORM_DIR)) {
    const json = (await parse(path, readFileSync(path, 'utf8'))) as Hcl;
    const dir = relative(TERRAFORM_DIR, join(path, '..'));
    const merged = dirs.get(dir) ?? {
      dir,
      files: [],
      resource: {},
      data: {},
      variable: {},
      output: {},
      module: {},
      locals: {},
      terraform: [],
      provider: {},
      moved: [],
    };
    merged.files.push(relative(TERRAFORM_DIR, path));
    for (const [kind, blocks] of Object.entries(json)) {
      if (kind === 'resource' || kind === 'data') {
        for (const [type, named] of Object.entries(
          blocks as Record<string, Record<string, unknown>>,
        )) {
          merged[kind][type] ??= {};
          for (const [name, block] of Object.entries(named)) {
            (merged[kind][type] as Record<string, Hcl>)[name] = first(block);
          }
        }
      } else if (
        kind === 'variable' ||
        kind === 'output' ||
        kind === 'module' ||
        kind === 'provider'
      ) {
        for (const [name, block] of Object.entries(blocks as Record<string, unknown>)) {
          merged[kind][name] = first(block);
        }
      } else if (kind === 'locals') {
        for (const block of blocks as Hcl[]) Object.assign(merged.locals, block);
      } else if (kind === 'terraform' || kind === 'moved') {
        merged[kind].push(...(blocks as Hcl[]));
      }
    }
    dirs.set(dir, merged);
  }
  return dirs;
}

/** Walks into parsed HCL; nested blocks (arrays) step into their only element. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    const block = first(current);
    if (block === undefined || block === null || typeof block !== 'object' || !(key in block)) {
      throw new Error(`no ${path.join('.')} (missing ${key})`);
    }
    current = block[key];
  }
  return current;
}

export const has = (value: unknown, ...path: string[]): boolean => {
  try {
    at(value, ...path);
    return true;
  } catch {
    return false;
  }
};

/** One parsed directory, or a failure naming it. */
export function terraformDir(dirs: Map<string, TerraformDir>, name: string): TerraformDir {
  const found = dirs.get(name);
  if (found === undefined) throw new Error(`infra/terraform/${name} has no .tf files`);
  return found;
}

/** One resource block of a directory, or a failure naming it. */
export function resource(d: TerraformDir, type: string, name: string): Hcl {
  const found = d.resource[type]?.[name];
  if (found === undefined) throw new Error(`${d.dir} has no ${type}.${name}`);
  return found;
}
