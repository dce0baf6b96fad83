import type { ServiceRuntime } from '@gpuaas/eventing';
import type { ReplayConfig } from './config';
import { createReplayRunner, type ReplayRunner } from './replays/runner';
import { type ArchiveLetter, createArchiveStore } from './store/archive-store';
import { type AuditStore, createAuditStore } from './store/audit-store';
import { createDataStore, type DataStore } from './store/data-store';
import { createEntryQueries, type EntryQueries } from './store/entry-queries';
import { createEntryStore, type EntryStore } from './store/entry-store';
import { createReplayStore, type ReplayStore } from './store/replay-store';

/** What routes, the console, receivers and tasks share, built once per service runtime. */
export interface ReplayContext {
  runtime: ServiceRuntime;
  config: ReplayConfig;
  now: () => Date;
  data: DataStore;
  archive: ArchiveLetter;
  queries: EntryQueries;
  entries: EntryStore;
  replays: ReplayStore;
  audit: AuditStore;
  runner: ReplayRunner;
}

export function contextFactory(
  config: ReplayConfig,
  now: () => Date,
  onRunner: (runner: ReplayRunner) => void = () => {},
): (runtime: ServiceRuntime) => ReplayContext {
  const built = new WeakMap<ServiceRuntime, ReplayContext>();
  return function replayContext(runtime) {
    let context = built.get(runtime);
    if (!context) {
      const { firestore } = runtime;
      const data = createDataStore(firestore);
      const base: Omit<ReplayContext, 'runner'> = {
        runtime,
        config,
        now,
        data,
        archive: createArchiveStore({ firestore, data, retention: config.eventing }),
        queries: createEntryQueries(firestore),
        entries: createEntryStore(firestore),
        replays: createReplayStore(firestore),
        audit: createAuditStore(firestore),
      };
      const runner = createReplayRunner(base);
      onRunner(runner);
      context = { ...base, runner };
      built.set(runtime, context);
    }
    return context;
  };
}
