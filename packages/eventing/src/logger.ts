import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';
import { logTraceFields } from './tracing/trace-context';

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
  /** With it, each line written inside a span carries that span's Cloud Logging trace fields. */
  projectId?: string;
}

/** pino JSON in the shape Cloud Logging parses: `severity`, `message`, the trace fields. */
export function createLogger(options: LoggerOptions): Logger {
  const { projectId } = options;
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
      ...(projectId ? { mixin: () => logTraceFields(projectId, trace.getActiveSpan()) } : {}),
    },
    options.destination,
  );
}
