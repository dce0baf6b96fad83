/**
 * The interval Cloud Scheduler would tick a job at, from its five-field cron: every minute
 * (`* * * * *`) or every N minutes (`*\/N * * * *`), the forms the services table uses.
 */
export function cronIntervalSeconds(cron: string): number {
  const [minute, ...rest] = cron.trim().split(/\s+/);
  if (rest.length !== 4 || rest.some((field) => field !== '*')) {
    throw new Error(`schedule "${cron}" is not every minute or every N minutes`);
  }
  if (minute === '*') return 60;
  const every = /^\*\/(\d+)$/.exec(minute ?? '');
  if (!every?.[1] || Number(every[1]) < 1) {
    throw new Error(`schedule "${cron}" is not every minute or every N minutes`);
  }
  return Number(every[1]) * 60;
}
