import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, traceField } from './logger';

describe('logger', () => {
  it('writes Cloud Logging JSON: severity and message', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ service: 'relay', destination });
    log.child({ event_id: 'e1' }).warn({ outcome: 'retry' }, 'delivery will be retried');
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({
      severity: 'WARNING',
      message: 'delivery will be retried',
      service: 'relay',
      event_id: 'e1',
      outcome: 'retry',
    });
    expect(line.level).toBeUndefined();
  });

  it('derives the trace field from X-Cloud-Trace-Context or traceparent', () => {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(traceField('p', { cloudTrace: `${trace}/1;o=1` })).toEqual({
      'logging.googleapis.com/trace': `projects/p/traces/${trace}`,
    });
    expect(traceField('p', { traceparent: `00-${trace}-00f067aa0ba902b7-01` })).toEqual({
      'logging.googleapis.com/trace': `projects/p/traces/${trace}`,
    });
    expect(traceField('p', { cloudTrace: 'garbage' })).toEqual({});
  });
});
