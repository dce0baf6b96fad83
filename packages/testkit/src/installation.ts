import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { type EmulatorName, EmulatorNotInstalledError, JavaNotInstalledError } from './errors';

/** A launcher; `{host}` and `{port}` in args are filled in at start. Plain data: it crosses to the supervisor as JSON. */
export interface EmulatorCommand {
  command: string;
  args: string[];
}

export type EmulatorCommands = Record<EmulatorName, EmulatorCommand>;

export interface InstallationOptions {
  /** Google Cloud SDK root; default CLOUDSDK_ROOT, then `gcloud` on PATH, then the usual install dirs. */
  sdkRoot?: string;
  /** Java binary; default JAVA, then JAVA_HOME/bin/java, then `java` on PATH. */
  java?: string;
  /** Where defaults are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

const MIN_JAVA = 17;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function sdkRootCandidates(options: InstallationOptions, env: NodeJS.ProcessEnv): string[] {
  const explicit = options.sdkRoot ?? env.CLOUDSDK_ROOT;
  // An explicit root is a decision: never fall back to another SDK behind the user's back.
  if (explicit) return [explicit];
  const candidates: string[] = [];
  const gcloud = findOnPath('gcloud', env);
  if (gcloud) {
    try {
      candidates.push(dirname(dirname(realpathSync(gcloud))));
    } catch {
      // A dangling symlink on PATH: the fixed locations below still apply.
    }
  }
  candidates.push(
    '/usr/lib/google-cloud-sdk',
    '/usr/share/google-cloud-sdk',
    '/opt/google-cloud-sdk',
    join(homedir(), 'google-cloud-sdk'),
  );
  return [...new Set(candidates)];
}

function findPubsubJar(root: string): string | undefined {
  const lib = join(root, 'platform', 'pubsub-emulator', 'lib');
  try {
    // The jar carries its version in the name (cloud-pubsub-emulator-0.8.20-all.jar).
    const jar = readdirSync(lib)
      .filter((name) => /^cloud-pubsub-emulator-.*\.jar$/.test(name))
      .sort()
      .at(-1);
    return jar ? join(lib, jar) : undefined;
  } catch {
    return undefined;
  }
}

function findFirestoreJar(root: string): string | undefined {
  const jar = join(root, 'platform', 'cloud-firestore-emulator', 'cloud-firestore-emulator.jar');
  return existsSync(jar) ? jar : undefined;
}

function locate(
  emulator: EmulatorName,
  roots: string[],
  find: (root: string) => string | undefined,
): string {
  for (const root of roots) {
    const found = find(root);
    if (found) return found;
  }
  throw new EmulatorNotInstalledError(emulator, roots.join(', '));
}

function resolveJavaPath(options: InstallationOptions, env: NodeJS.ProcessEnv): string {
  const explicit =
    options.java ?? env.JAVA ?? (env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : undefined);
  if (explicit) {
    const path = explicit.includes('/') ? explicit : findOnPath(explicit, env);
    if (!path || !isExecutable(path)) throw new JavaNotInstalledError(explicit);
    return path;
  }
  const onPath = findOnPath('java', env);
  if (!onPath) throw new JavaNotInstalledError('java on PATH');
  return onPath;
}

const checkedJava = new Map<string, Promise<void>>();

/** `java -version` costs ~70 ms and turns an obscure class-version crash into a clear line. */
function checkJavaVersion(java: string): Promise<void> {
  let pending = checkedJava.get(java);
  if (!pending) {
    pending = new Promise<void>((resolve, reject) => {
      execFile(java, ['-version'], { timeout: 15_000 }, (error, stdout, stderr) => {
        if (error) {
          reject(
            new JavaNotInstalledError(java, `could not run (${error.message.split('\n')[0]})`),
          );
          return;
        }
        const match = /version "(\d+)(?:\.(\d+))?/.exec(`${stderr}${stdout}`);
        // Java 8 and older report "1.8"; anything unparsable is left for the emulator to judge.
        const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : MIN_JAVA;
        if (major < MIN_JAVA) reject(new JavaNotInstalledError(java, `is too old (Java ${major})`));
        else resolve();
      });
    });
    checkedJava.set(java, pending);
    pending.catch(() => checkedJava.delete(java));
  }
  return pending;
}

/**
 * Finds the emulator jars and a Java 17+ runtime. Launching the jars directly (instead of
 * `gcloud ... start`) starts in about half the time and makes the JVM the group leader we kill.
 */
export async function resolveEmulatorCommands(
  options: InstallationOptions = {},
): Promise<EmulatorCommands> {
  const env = options.env ?? process.env;
  const roots = sdkRootCandidates(options, env);
  const pubsubJar = locate('pubsub', roots, findPubsubJar);
  const firestoreJar = locate('firestore', roots, findFirestoreJar);
  const java = resolveJavaPath(options, env);
  await checkJavaVersion(java);
  return {
    pubsub: { command: java, args: ['-jar', pubsubJar, '--host={host}', '--port={port}'] },
    firestore: {
      command: java,
      args: [
        // What gcloud's launcher passes: the emulator only supports English messages.
        '-Duser.language=en',
        '-cp',
        firestoreJar,
        'com.google.cloud.datastore.emulator.firestore.CloudFirestore',
        'start',
        '--host={host}',
        '--port={port}',
        '--database-mode=firestore-native',
      ],
    },
  };
}
