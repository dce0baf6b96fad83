export type { SharedEmulatorOptions } from './acquire-shared-emulators';
export { acquireSharedEmulators } from './acquire-shared-emulators';
export type { BenchFigure, PushFigures } from './bench';
export { figure, noopPushBaseline, quantiles, recordBenchFigures } from './bench';
export { clearFirestore } from './clear-firestore';
export type { EmulatorName, SerializedError } from './errors';
export {
  EmulatorHostMissingError,
  EmulatorNotInstalledError,
  EmulatorStartError,
  JavaNotInstalledError,
  MissingPrerequisiteError,
  SupervisorError,
  TestkitError,
  WaitForTimeoutError,
} from './errors';
export { firestoreClient } from './firestore-client';
export type { EmulatorCommand, EmulatorCommands, InstallationOptions } from './installation';
export { resolveEmulatorCommands } from './installation';
export { pubsubClient } from './pubsub-client';
export type { PushDelivery, PushReceivers } from './push-receivers';
export { startPushReceivers } from './push-receivers';
export type {
  EmulatorHandle,
  EmulatorStatus,
  StartEmulatorsOptions,
  StartedEmulators,
} from './start-emulators';
export { describeStatus, startEmulators } from './start-emulators';
export { uniqueProjectId } from './unique-project-id';
export type { WaitForOptions } from './wait-for';
export { waitFor } from './wait-for';
