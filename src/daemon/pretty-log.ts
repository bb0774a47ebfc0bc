/**
 * A readable form of the daemon's JSON log lines for a terminal:
 * `16:02:11 INFO  container enforced container.name=api rules=7 ms=3.1`. Files and pipes keep
 * the JSON lines, which is what log collectors read.
 */
import { Writable } from 'node:stream';

const LEVEL_WIDTH = 5;

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (typeof value === 'object' && value !== null && 'message' in value) {
    return JSON.stringify(value.message);
  }
  return JSON.stringify(value);
}

/** One JSON log line as text; a line that is not JSON comes back unchanged. */
export function formatLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = record;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const label = (typeof level === 'string' ? level : 'info').toUpperCase().padEnd(LEVEL_WIDTH);
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`);
  return [clock, label, typeof msg === 'string' ? msg : '', ...rest].join(' ').trimEnd();
}

/** A stream that turns pino's JSON lines into terminal lines written by `write`. */
export function prettyStream(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      for (const line of text.split('\n')) if (line !== '') write(`${formatLogLine(line)}\n`);
      done();
    },
  });
}
