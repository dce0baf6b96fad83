import type { Logger } from 'pino';
import type { ServiceRuntime } from './runtime';

export interface TaskContext {
  runtime: ServiceRuntime;
  log: Logger;
}

/** A scheduler tick (`POST /tasks/<name>`, Cloud Scheduler in production, a timer locally). */
export interface Task {
  name: string;
  /** Its JSON result is the answer; a throw answers 503 so Cloud Scheduler retries. */
  run(ctx: TaskContext): Promise<object | undefined>;
}

const TASK_NAME = /^[a-z][a-z0-9-]*$/;

export function defineTask(task: Task): Task {
  if (!TASK_NAME.test(task.name)) {
    throw new Error(`task name ${task.name} must be kebab-case (it is a URL path segment)`);
  }
  return task;
}
