/**
 * One JSON object per line on stdout, which CloudWatch Logs Insights can query field by field.
 * Callers pass only names, ids and counts: secret values never reach a logger, and keys that look
 * like secrets are masked anyway as a second line of defence.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /pass(word)?|secret(?!arn|id)|private|token|credential/i;

function scrub(value: unknown, key: string): unknown {
  if (SECRET_KEY.test(key)) return '***';
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

export type LogSink = (line: string) => void;

let sink: LogSink = (line) => process.stdout.write(`${line}\n`);

/** Tests capture the log lines to assert on them (and on what they must not contain). */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function createLogger(base: Record<string, unknown>): Logger {
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void => {
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      if (value !== undefined) entry[key] = scrub(value, key);
    }
    sink(JSON.stringify(entry));
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}
