/** How an app's output reaches the terminal: pretty and coloured on a TTY, JSON lines otherwise. */
export interface LogStyle {
  pretty: boolean;
}

const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93];
const SEVERITY_COLOURS: Record<string, number> = {
  DEBUG: 90,
  INFO: 0,
  WARNING: 33,
  ERROR: 31,
  CRITICAL: 41,
};
// Fields every line has that the pretty form shows elsewhere or not at all.
const QUIET = new Set([
  'severity',
  'message',
  'time',
  'service',
  'pid',
  'hostname',
  'level',
  'msg',
]);

export function colourOf(index: number): number {
  return COLOURS[index % COLOURS.length] ?? 36;
}

const paint = (code: number, text: string) =>
  code === 0 ? text : `\u001b[${code}m${text}\u001b[0m`;

/**
 * One line of an app's stdout or stderr, as shown by `pnpm dev`. A JSON log line (pino, Cloud
 * Logging fields) becomes `name │ SEVERITY message key=value …`; anything else is passed on with
 * the name in front. Without a TTY the JSON is kept (with an `app` field), for tools to read.
 */
export function formatLine(app: string, colour: number, line: string, style: LogStyle): string {
  let record: Record<string, unknown> | undefined;
  if (line.startsWith('{')) {
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      record = undefined;
    }
  }
  if (!style.pretty) {
    return record ? JSON.stringify({ app, ...record }) : JSON.stringify({ app, message: line });
  }
  const name = paint(colour, app.padEnd(20));
  if (!record) return `${name} │ ${line}`;
  const severity = String(record.severity ?? 'INFO');
  const message = String(record.message ?? record.msg ?? '');
  const details = Object.entries(record)
    .filter(([key]) => !QUIET.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const level = paint(SEVERITY_COLOURS[severity] ?? 0, severity.padEnd(7));
  return `${name} │ ${level} ${message}${details ? ` ${paint(90, details)}` : ''}`;
}
