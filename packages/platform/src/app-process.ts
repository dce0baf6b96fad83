import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);

export interface AppProcessOptions {
  name: string;
  /** The app's entry point (`apps/<name>/src/index.ts`). */
  entry: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each line the app prints, on stdout or stderr. */
  onLine: (line: string) => void;
  /** What the supervisor itself has to say about the app (exits, restarts). */
  onEvent: (message: string) => void;
  /** First restart delay; doubles per crash in a row, up to 30 s. */
  restartDelayMs?: number;
}

/** An app under supervision: restarted when it crashes, stopped with its process group. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private stopping = false;
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: AppProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const { options } = this;
    const started = Date.now();
    // In the platform's process group: a terminal's Ctrl-C reaches the apps too, and they drain.
    const child = spawn(process.execPath, ['--import', require.resolve('tsx'), options.entry], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', options.onLine);
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        // A run that lasted a minute was not a crash loop: start counting again.
        if (Date.now() - started > 60_000) this.crashes = 0;
        this.crashes += 1;
        const delay = Math.min(30_000, (options.restartDelayMs ?? 1000) * 2 ** (this.crashes - 1));
        options.onEvent(
          `${options.name} exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 100) / 10} s`,
        );
        this.restartTimer = setTimeout(() => {
          if (this.stopping) return;
          this.start();
          options.onEvent(`${options.name} restarted (pid ${this.child?.pid})`);
        }, delay);
      });
    });
  }

  /** SIGTERM (the app drains), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const { child } = this;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }
}
