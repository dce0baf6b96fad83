import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';

export function tempNameFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** Readers never see a half-written file: write aside, then rename over (atomic on one filesystem). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temp = tempNameFor(path);
  await writeFile(temp, JSON.stringify(value), { mode: 0o600 });
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** undefined when missing or unreadable: every caller treats both as "nothing there". */
export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
