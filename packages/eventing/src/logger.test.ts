import { Writable } from 'node:stream';
import { context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { contextOfHeaders, ensureContextManager } from './tracing/trace-context';

ensureContextManager();

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
};

describe('logger', () => {
  it('writes Cloud Logging JSON: severity and message', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'relay', destination });
    log.child({ event_id: 'e1' }).warn({ outcome: 'retry' }, 'delivery will be retried');
    expect(lines[0]).toMatchObject({
      severity: 'WARNING',
      message: 'delivery will be retried',
      service: 'relay',
      event_id: 'e1',
      outcome: 'retry',
    });
    expect(lines[0]?.level).toBeUndefined();
  });

  it('puts the active span’s trace on each line, from X-Cloud-Trace-Context or traceparent', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'relay', destination, projectId: 'p' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (const headers of [
      { cloudTrace: `${traceId}/1;o=1` },
      { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    ]) {
      const span = trace.wrapSpanContext(
        trace.getSpanContext(contextOfHeaders(headers)) ?? INVALID_SPAN_CONTEXT,
      );
      context.with(trace.setSpan(ROOT_CONTEXT, span), () => log.info('inside'));
    }
    expect(lines.map((line) => line['logging.googleapis.com/trace'])).toEqual([
      `projects/p/traces/${traceId}`,
      `projects/p/traces/${traceId}`,
    ]);
    expect(lines[0]?.['logging.googleapis.com/spanId']).toBe('0000000000000001');
    expect(lines[1]?.['logging.googleapis.com/spanId']).toBe('00f067aa0ba902b7');
    log.info('outside any span');
    expect(lines[2]?.['logging.googleapis.com/trace']).toBeUndefined();
  });
});
