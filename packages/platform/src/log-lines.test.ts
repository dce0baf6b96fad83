import { describe, expect, it } from 'vitest';
import { formatLine } from './log-lines';

const json = JSON.stringify({
  severity: 'WARNING',
  message: 'delivery will be retried',
  time: '2026-12-02T06:00:00Z',
  service: 'billing-worker',
  reason: 'contention',
  event_id: 'e-1',
});

describe('formatLine', () => {
  it('pretty-prints a Cloud Logging line with the app name, severity, message and fields', () => {
    const line = formatLine('billing-worker', 0, json, { pretty: true });
    expect(line).toContain('billing-worker');
    expect(line).toContain('WARNING');
    expect(line).toContain('delivery will be retried');
    expect(line).toContain('reason=contention');
    expect(line).toContain('event_id=e-1');
    expect(line).not.toContain('"time"');
  });

  it('keeps JSON lines JSON when not on a terminal, with the app named', () => {
    expect(JSON.parse(formatLine('billing-worker', 0, json, { pretty: false }))).toMatchObject({
      app: 'billing-worker',
      severity: 'WARNING',
      reason: 'contention',
    });
    expect(JSON.parse(formatLine('replay', 0, 'plain text', { pretty: false }))).toEqual({
      app: 'replay',
      message: 'plain text',
    });
  });

  it('passes other output through with the name in front', () => {
    expect(formatLine('payments', 0, 'Error: boom', { pretty: true })).toMatch(
      /payments\s+│ Error: boom/,
    );
  });
});
