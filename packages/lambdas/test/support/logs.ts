import { setLogSink } from '../../src/runtime/log.js';

/** Captures the handlers' JSON log lines for the duration of a test file. */
export function captureLogs(): { lines: string[]; restore: () => void; entries: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  return {
    lines,
    restore: () => setLogSink(previous),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
