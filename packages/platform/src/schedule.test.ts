import { SERVICE_NAMES, tasksOf } from '@gpuaas/topology/services';
import { describe, expect, it } from 'vitest';
import { cronIntervalSeconds } from './schedule';

describe('cronIntervalSeconds', () => {
  it('reads every minute and every N minutes', () => {
    expect(cronIntervalSeconds('* * * * *')).toBe(60);
    expect(cronIntervalSeconds('*/5 * * * *')).toBe(300);
  });

  it('refuses what it cannot tick locally', () => {
    expect(() => cronIntervalSeconds('0 3 * * *')).toThrow('not every minute');
    expect(() => cronIntervalSeconds('*/0 * * * *')).toThrow('not every minute');
  });

  it('understands every schedule of the services table', () => {
    for (const service of SERVICE_NAMES) {
      for (const task of tasksOf(service))
        expect(cronIntervalSeconds(task.schedule)).toBeGreaterThan(0);
    }
  });
});
