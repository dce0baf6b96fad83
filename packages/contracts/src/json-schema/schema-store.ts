import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATALOG_FILE } from './schema-files';

/** packages/contracts, where the committed files live. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await jsonFilesUnder(path)));
    else if (entry.name.endsWith('.json')) files.push(path);
  }
  return files;
}

/** The committed files as text, keyed like buildSchemaFiles (POSIX paths from the package root). */
export async function readCommittedFiles(root = PACKAGE_ROOT): Promise<Record<string, string>> {
  const paths = await jsonFilesUnder(join(root, 'schemas'));
  const catalogPath = join(root, CATALOG_FILE);
  paths.push(catalogPath);
  const files: Record<string, string> = {};
  for (const path of paths.sort()) {
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) files[relative(root, path).split(sep).join('/')] = text;
  }
  return files;
}

export function parseFiles(files: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [path, JSON.parse(text)]));
}

/** Writes `files` and deletes committed JSON the code no longer produces. */
export async function writeCommittedFiles(
  files: Record<string, string>,
  root = PACKAGE_ROOT,
): Promise<void> {
  for (const stale of Object.keys(await readCommittedFiles(root))) {
    if (!(stale in files)) await rm(join(root, stale));
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}
