/** What to install, shared by every "missing prerequisite" message so they read the same. */
export const INSTALL_HINT =
  'install it with "gcloud components install pubsub-emulator cloud-firestore-emulator" ' +
  '(or the google-cloud-cli-pubsub-emulator / google-cloud-cli-firestore-emulator packages) ' +
  'and a Java 17+ runtime';

export type EmulatorName = 'pubsub' | 'firestore';

export const EMULATOR_LABEL: Record<EmulatorName, string> = {
  pubsub: 'Pub/Sub emulator',
  firestore: 'Firestore emulator',
};

/** Base class, so callers can catch everything the testkit throws in one place. */
export class TestkitError extends Error {
  override name = 'TestkitError';
  // Private, not own fields: vitest prints every own property of an error under its message.
  #details: Record<string, unknown> = {};

  protected setDetails(details: Record<string, unknown>): void {
    this.#details = details;
  }

  protected detail<T>(key: string): T {
    return this.#details[key] as T;
  }

  /** What crosses from the supervisor process; reviveError() turns it back into this class. */
  toJSON(): SerializedError {
    return { ...this.#details, name: this.name, message: this.message };
  }
}

/** A prerequisite is missing: the message is one line that says what to install. */
export class MissingPrerequisiteError extends TestkitError {
  override name = 'MissingPrerequisiteError';
  constructor(message: string) {
    super(message);
    // The stack says nothing an install hint does not; keep reports to the one line.
    // A getter, because subclasses set their name after this constructor returns.
    Object.defineProperty(this, 'stack', {
      get: () => `${this.name}: ${this.message}`,
      configurable: true,
    });
  }
}

export class EmulatorNotInstalledError extends MissingPrerequisiteError {
  override name = 'EmulatorNotInstalledError';
  constructor(emulator: EmulatorName, searched: string) {
    super(`${EMULATOR_LABEL[emulator]} not found (looked in ${searched}): ${INSTALL_HINT}`);
    this.setDetails({ emulator, searched });
  }
  get emulator(): EmulatorName {
    return this.detail('emulator');
  }
  /** The SDK roots looked in, comma-separated. */
  get searched(): string {
    return this.detail('searched');
  }
}

export class JavaNotInstalledError extends MissingPrerequisiteError {
  override name = 'JavaNotInstalledError';
  constructor(java: string, problem = 'not found') {
    super(
      `Java runtime ${problem} ("${java}"): the Pub/Sub and Firestore emulators need a Java 17+ runtime; ` +
        'install one (e.g. "apt-get install openjdk-17-jre-headless") or point JAVA or JAVA_HOME at one',
    );
    this.setDetails({ java, problem });
  }
  get java(): string {
    return this.detail('java');
  }
  get problem(): string {
    return this.detail('problem');
  }
}

/** An emulator process exited or never answered while starting. */
export class EmulatorStartError extends TestkitError {
  override name = 'EmulatorStartError';
  constructor(emulator: EmulatorName, reason: string, output: readonly string[] = []) {
    const tail = output.length > 0 ? `\n--- last output ---\n${output.join('\n')}` : '';
    super(`${EMULATOR_LABEL[emulator]} failed to start: ${reason}${tail}`);
    this.setDetails({ emulator, reason, output });
  }
  get emulator(): EmulatorName {
    return this.detail('emulator');
  }
  get reason(): string {
    return this.detail('reason');
  }
  /** The emulator's last lines of output. */
  get output(): readonly string[] {
    return this.detail('output');
  }
}

/** No emulator host given and the environment variable is unset. */
export class EmulatorHostMissingError extends TestkitError {
  override name = 'EmulatorHostMissingError';
  constructor(variable: string) {
    super(
      `${variable} is not set: run the tests through the testkit global setup ` +
        `("@gpuaas/testkit/global-setup") or start the emulators with "pnpm --filter @gpuaas/testkit emulators"`,
    );
    this.setDetails({ variable });
  }
  get variable(): string {
    return this.detail('variable');
  }
}

/** The shared-emulator supervisor could not be started or did not become ready. */
export class SupervisorError extends TestkitError {
  override name = 'SupervisorError';
}

export class WaitForTimeoutError extends TestkitError {
  override name = 'WaitForTimeoutError';
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
  }
}

export interface SerializedError {
  name: string;
  message: string;
  [detail: string]: unknown;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof TestkitError) return error.toJSON();
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Errors of the supervisor process arrive as JSON in the state file: give them back their class. */
export function reviveError(serialized: SerializedError): Error {
  const text = (key: string) => String(serialized[key] ?? '');
  switch (serialized.name) {
    case 'EmulatorNotInstalledError':
      return new EmulatorNotInstalledError(text('emulator') as EmulatorName, text('searched'));
    case 'JavaNotInstalledError':
      return new JavaNotInstalledError(text('java'), text('problem'));
    case 'EmulatorStartError': {
      const output = Array.isArray(serialized.output) ? serialized.output.map(String) : [];
      return new EmulatorStartError(text('emulator') as EmulatorName, text('reason'), output);
    }
    default:
      return new SupervisorError(`${serialized.name}: ${serialized.message}`);
  }
}
