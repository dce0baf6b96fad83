import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { type EmulatorName, EmulatorStartError } from './errors';
import { probeEmulator } from './http-probe';
import type { EmulatorCommand } from './installation';
import { isListenerInGroup } from './listener-owner';
import { killProcessGroup, killProcessGroupNow } from './process-group';

export interface LaunchOptions {
  name: EmulatorName;
  command: EmulatorCommand;
  host: string;
  port: number;
  startTimeoutMs: number;
  stopGraceMs: number;
  onOutput?: (name: EmulatorName, line: string) => void;
  /** Called when the emulator exits without stop() having been asked for. */
  onExit?: (name: EmulatorName, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface LaunchedEmulator {
  name: EmulatorName;
  host: string;
  /** Also the process group id: spawned detached, the emulator leads its own group. */
  pid: number;
  stop(): Promise<void>;
}

const OUTPUT_LINES_KEPT = 30;
const POLL_MS = 50;

/** The port turned out to be taken: the caller may retry on another free port. */
export class PortTakenError extends EmulatorStartError {
  override name = 'EmulatorStartError';
}

// What both emulators print when their port is taken (the Pub/Sub one then hangs instead of exiting).
const BIND_FAILURE = /BindException|Address already in use|Failed to bind/i;

const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort when the owner exits without stop(): 'exit' handlers cannot wait, so SIGKILL.
  process.on('exit', () => {
    for (const pgid of live) killProcessGroupNow(pgid);
  });
}

function fill(args: string[], host: string, port: number): string[] {
  return args.map((arg) => arg.replaceAll('{host}', host).replaceAll('{port}', String(port)));
}

function forwardLines(stream: Readable, sink: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) sink(line.trimEnd());
  });
  stream.on('end', () => {
    if (pending) sink(pending.trimEnd());
  });
}

export async function launchEmulator(options: LaunchOptions): Promise<LaunchedEmulator> {
  const { name, host: bindHost, port } = options;
  const host = `${bindHost}:${port}`;
  const output: string[] = [];
  let bindFailed = false;
  // detached: setsid() makes the emulator a group leader, so killing -pid takes any children too.
  const child = spawn(options.command.command, fill(options.command.args, bindHost, port), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const remember = (line: string) => {
    if (BIND_FAILURE.test(line)) bindFailed = true;
    output.push(line);
    if (output.length > OUTPUT_LINES_KEPT) output.shift();
    options.onOutput?.(name, line);
  };
  // Keep draining after readiness: a JVM blocked on a full pipe stops answering.
  if (child.stdout) forwardLines(child.stdout, remember);
  if (child.stderr) forwardLines(child.stderr, remember);

  let ready = false;
  let stopping = false;
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolve) => {
      child.once('error', (error) => {
        exited = true;
        resolve({ code: null, signal: null, error });
      });
      child.once('exit', (code, signal) => {
        exited = true;
        resolve({ code, signal });
      });
    },
  );
  const pid = child.pid;
  if (pid === undefined) {
    const { error } = await exit;
    throw new EmulatorStartError(
      name,
      `could not run ${options.command.command}: ${error?.message}`,
    );
  }
  live.add(pid);
  installExitHook();
  void exit.then(({ code, signal }) => {
    // Before readiness, an exit is a start failure and is thrown instead.
    if (ready && !stopping) options.onExit?.(name, code, signal);
  });

  const stop = async () => {
    stopping = true;
    await killProcessGroup(pid, options.stopGraceMs);
    if (!exited) await Promise.race([exit, new Promise((r) => setTimeout(r, 1_000))]);
    live.delete(pid);
  };

  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    if (bindFailed) {
      await stop();
      throw new PortTakenError(name, `port ${port} is taken`, output);
    }
    if (exited) {
      const { code, signal, error } = await exit;
      await stop();
      const how = error ? error.message : signal ? `signal ${signal}` : `code ${code}`;
      throw new EmulatorStartError(name, `exited (${how}) before answering on ${host}`, output);
    }
    if (await probeEmulator(host, 500)) {
      if (isListenerInGroup(port, pid) !== false) break;
      await stop();
      throw new PortTakenError(name, `another process answers on ${host}`, output);
    }
    if (Date.now() >= deadline) {
      await stop();
      throw new EmulatorStartError(
        name,
        `no "Ok" from http://${host}/ within ${options.startTimeoutMs} ms`,
        output,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  ready = true;
  // The owner decides lifetime through stop() and the exit hook, not through open handles.
  child.unref();
  for (const stream of [child.stdout, child.stderr])
    (stream as { unref?: () => void } | null)?.unref?.();
  return { name, host, pid, stop };
}
