import { emulatorHost } from './emulator-host';
import { TestkitError } from './errors';

/** Deletes every document of a project's default database (emulator-only endpoint). */
export async function clearFirestore(projectId: string, host?: string): Promise<void> {
  const url = `http://${emulatorHost('firestore', host)}/emulator/v1/projects/${encodeURIComponent(projectId)}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) {
    throw new TestkitError(
      `clearFirestore(${projectId}): HTTP ${response.status} ${await response.text()}`,
    );
  }
}
