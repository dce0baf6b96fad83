import { createUserRegistry, seedDemoUser } from '@gpuaas/http-api';
import {
  firestoreClient,
  pubsubClient,
  type StartedEmulators,
  startEmulators,
} from '@gpuaas/testkit';
import { apply, deriveBus, localSettingsAt } from '@gpuaas/topology';
import { tasksOf } from '@gpuaas/topology/services';
import { AppProcess } from './app-process';
import { type LocalApp, localApps, localUrls } from './apps';
import { localEnv } from './local-env';
import { colourOf, formatLine } from './log-lines';
import { cronIntervalSeconds } from './schedule';

export interface PlatformOptions {
  project: string;
  /** Added to every app's port (tests run beside a developer's `pnpm dev`). */
  portOffset?: number;
  pubsubPort?: number;
  firestorePort?: number;
  /** Ticks every scheduler task this often instead of its cron (the demo compresses time). */
  tickSeconds?: number;
  /** Pretty, coloured lines on a terminal; JSON otherwise. */
  pretty: boolean;
  out: (line: string) => void;
}

export interface RunningPlatform {
  emulators: StartedEmulators;
  apps: LocalApp[];
  processes: Map<string, AppProcess>;
  demoKey: string | undefined;
  /** Stops the timers, every app (SIGTERM, then SIGKILL) and the emulators it started. */
  stop(): Promise<void>;
}

/**
 * Until the app answers its health check. A slow start (a loaded machine, a first
 * transpile) is named every `reportEveryMs` rather than given up on: "ready" means every app
 * answers, and a crashing app is restarted by its supervisor meanwhile.
 */
async function waitForHealth(
  app: LocalApp,
  isStopped: () => boolean,
  report: (waitedSeconds: number) => void,
  reportEveryMs = 30_000,
): Promise<void> {
  const started = Date.now();
  let nextReport = started + reportEveryMs;
  while (!isStopped()) {
    try {
      if ((await fetch(`${app.url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() >= nextReport) {
      report(Math.round((Date.now() - started) / 1000));
      nextReport += reportEveryMs;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Emulators, the bus, every app on its port, the scheduler ticks and a demo user: the platform. */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const { out, project } = options;
  const portOffset = options.portOffset ?? 0;
  const say = (line: string) =>
    out(
      options.pretty
        ? `\u001b[1m▸ ${line}\u001b[0m`
        : JSON.stringify({ app: 'platform', message: line }),
    );
  const processes = new Map<string, AppProcess>();
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const emulators = await startEmulators({
    host: '127.0.0.1',
    pubsubPort: options.pubsubPort ?? 8085,
    firestorePort: options.firestorePort ?? 8086,
    onExit: (name, code, signal) => say(`the ${name} emulator exited (${signal ?? code})`),
  });
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const timer of timers) clearInterval(timer);
    await Promise.all([...processes.values()].map((app) => app.stop()));
    await emulators.stop();
  };

  try {
    // The whole bus of the catalog, pushing to every service's local port.
    const pubsub = pubsubClient(project, emulators.pubsubHost);
    const result = await apply(pubsub, deriveBus(localSettingsAt(localUrls(portOffset))));
    await pubsub.close();
    say(`bus of the catalog applied in project ${project} (${result.applied.length} changes)`);

    const apps = localApps(portOffset);
    apps.forEach((app, index) => {
      const process = new AppProcess({
        name: app.name,
        entry: app.entry,
        cwd: app.dir,
        env: localEnv(app.name, {
          project,
          port: app.port,
          pubsubHost: emulators.pubsubHost,
          firestoreHost: emulators.firestoreHost,
        }),
        onLine: (line) =>
          out(formatLine(app.name, colourOf(index), line, { pretty: options.pretty })),
        onEvent: (message) => {
          say(message);
        },
      });
      processes.set(app.name, process);
      process.start();
      say(`started ${app.name} on ${app.url} (pid ${process.pid})`);
    });
    await Promise.all(
      apps.map((app) =>
        waitForHealth(
          app,
          () => stopped,
          (seconds) =>
            say(`waiting for ${app.name}: ${app.url}/healthz not answering after ${seconds} s`),
        ),
      ),
    );

    // Cloud Scheduler's jobs, as timers: each task of each running app.
    for (const app of apps) {
      for (const task of tasksOf(app.name)) {
        const seconds = options.tickSeconds ?? cronIntervalSeconds(task.schedule);
        timers.push(
          setInterval(() => {
            fetch(`${app.url}${task.path}`, { method: 'POST' }).then(
              async (res) => {
                if (!res.ok) say(`${app.name} ${task.path} answered ${res.status}`);
              },
              () => undefined, // down or restarting: the next tick tries again
            );
          }, seconds * 1000),
        );
      }
    }

    let demoKey: string | undefined;
    const firestore = firestoreClient(project, emulators.firestoreHost);
    try {
      demoKey = (await seedDemoUser(createUserRegistry(firestore))).apiKey;
    } finally {
      await firestore.terminate();
    }
    return { emulators, apps, processes, demoKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
