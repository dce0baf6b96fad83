// Entry point of the detached supervisor process (spawned by acquireSharedEmulators through tsx).
import { runSupervisor } from './supervisor';
import { SUPERVISOR_CONFIG_VAR, type SupervisorConfig } from './supervisor-state';

const raw = process.env[SUPERVISOR_CONFIG_VAR];
if (!raw) {
  console.error(
    `${SUPERVISOR_CONFIG_VAR} is not set: the supervisor is started by acquireSharedEmulators()`,
  );
  process.exit(2);
}
runSupervisor(JSON.parse(raw) as SupervisorConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
