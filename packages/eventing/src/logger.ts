import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/** pino JSON in the shape Cloud Logging parses: `severity`, `message`, trace field. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level(label) {
          return { severity: SEVERITY[label] ?? 'DEFAULT' };
        },
      },
    },
    options.destination,
  );
}

/**
 * The `logging.googleapis.com/trace` value for a request, from `X-Cloud-Trace-Context`
 * (`TRACE_ID/SPAN;o=1`) or W3C `traceparent` (`00-TRACE_ID-SPAN-01`).
 */
export function traceField(
  projectId: string,
  headers: { cloudTrace?: string | null; traceparent?: string | null },
): Record<string, string> {
  const fromCloud = headers.cloudTrace?.split('/')[0];
  const fromW3c = headers.traceparent?.split('-')[1];
  const traceId = fromCloud && /^[0-9a-f]{32}$/i.test(fromCloud) ? fromCloud : fromW3c;
  if (!traceId || !/^[0-9a-f]{32}$/i.test(traceId)) return {};
  return { 'logging.googleapis.com/trace': `projects/${projectId}/traces/${traceId}` };
}
