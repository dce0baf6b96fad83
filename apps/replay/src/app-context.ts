import type { ServiceRuntime } from '@gpuaas/eventing';
import type { ReplayConfig } from './config';
import { type ArchiveLetter, createArchiveStore } from './store/archive-store';
import { createDataStore, type DataStore } from './store/data-store';
import { createEntryQueries, type EntryQueries } from './store/entry-queries';

/** What routes, the console, receivers and tasks share, built once per service runtime. */
export interface ReplayContext {
  runtime: ServiceRuntime;
  config: ReplayConfig;
  now: () => Date;
  data: DataStore;
  archive: ArchiveLetter;
  queries: EntryQueries;
}

export function contextFactory(
  config: ReplayConfig,
  now: () => Date,
): (runtime: ServiceRuntime) => ReplayContext {
  const built = new WeakMap<ServiceRuntime, ReplayContext>();
  return function replayContext(runtime) {
    let context = built.get(runtime);
    if (!context) {
      const data = createDataStore(runtime.firestore);
      context = {
        runtime,
        config,
        now,
        data,
        archive: createArchiveStore({
          firestore: runtime.firestore,
          data,
          retention: config.eventing,
        }),
        queries: createEntryQueries(runtime.firestore),
      };
      built.set(runtime, context);
    }
    return context;
  };
}
