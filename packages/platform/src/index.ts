export type { LocalApp } from './apps';
export { localApps, localUrls, REPO_DIR } from './apps';
export { banner } from './banner';
export { LOCAL_SECRETS, localEnv } from './local-env';
export type { PlatformOptions, RunningPlatform } from './platform';
export { startPlatform } from './platform';
