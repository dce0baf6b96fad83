import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { localPort, SERVICE_NAMES, type ServiceName } from '@gpuaas/topology/services';

export const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

export interface LocalApp {
  name: ServiceName;
  dir: string;
  entry: string;
  port: number;
  url: string;
}

/** The services of the table that have an app in `apps/`, each on its local port (shifted). */
export function localApps(portOffset = 0, repoDir = REPO_DIR): LocalApp[] {
  return SERVICE_NAMES.flatMap((name) => {
    const dir = `${repoDir}apps/${name}`;
    const entry = `${dir}/src/index.ts`;
    if (!existsSync(entry)) return [];
    const port = localPort(name) + portOffset;
    return [{ name, dir, entry, port, url: `http://127.0.0.1:${port}` }];
  });
}

/** The URL every service of the table is reached at locally, whether its app exists or not. */
export function localUrls(portOffset = 0): Record<ServiceName, string> {
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, `http://127.0.0.1:${localPort(name) + portOffset}`]),
  ) as Record<ServiceName, string>;
}
