import { describe, expect, it } from 'vitest';
import {
  EmulatorNotInstalledError,
  EmulatorStartError,
  reviveError,
  SupervisorError,
  serializeError,
} from '../src/errors';

// Errors of the supervisor process reach the test process as JSON in the state file.
describe('error transport', () => {
  it('keeps class, message and details across JSON', () => {
    const original = new EmulatorNotInstalledError('firestore', '/opt/sdk');
    const revived = reviveError(JSON.parse(JSON.stringify(serializeError(original))));
    expect(revived).toBeInstanceOf(EmulatorNotInstalledError);
    expect(revived.message).toBe(original.message);
    expect(revived).toMatchObject({ emulator: 'firestore', searched: '/opt/sdk' });
    expect(revived.stack).toBe(`EmulatorNotInstalledError: ${original.message}`);
  });

  it('keeps the emulator output of a start failure', () => {
    const revived = reviveError(
      serializeError(new EmulatorStartError('pubsub', 'exited (code 1)', ['boom'])),
    );
    expect(revived).toBeInstanceOf(EmulatorStartError);
    expect((revived as EmulatorStartError).output).toEqual(['boom']);
    expect(revived.message).toBe(
      'Pub/Sub emulator failed to start: exited (code 1)\n--- last output ---\nboom',
    );
  });

  it('turns anything else into a SupervisorError', () => {
    const revived = reviveError(serializeError(new TypeError('odd')));
    expect(revived).toBeInstanceOf(SupervisorError);
    expect(revived.message).toBe('TypeError: odd');
  });
});
