// What other packages need to start this app exactly as production does (cross-app tests, bench).
export type { ReplayConfig } from './config';
export { loadReplayConfig } from './config';
export type { ReplayDeps } from './service';
export { replayService } from './service';
