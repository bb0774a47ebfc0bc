/**
 * The daemon's logger: pino JSON lines on stdout or to a file. Created once by the CLI and passed
 * down; nothing logs through a global. Field names follow docs/logging.md.
 */
import pino, { type Logger } from 'pino';
import { prettyStream } from './pretty-log.ts';

export type { Logger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** `stdout`, `stderr` or a file path (appended to; reopened on SIGHUP by the daemon). */
  readonly destination: string;
  /** Readable lines instead of JSON; only for `stdout` on a terminal. */
  readonly pretty?: boolean;
}

export interface LogSink {
  readonly logger: Logger;
  /** Reopen the log file after rotation; a no-op for stdout and stderr. */
  reopen(): void;
  flush(): void;
}

function destinationFor(target: string): pino.DestinationStream & { reopen?: () => void } {
  if (target === 'stdout') return pino.destination({ dest: 1, sync: true });
  if (target === 'stderr') return pino.destination({ dest: 2, sync: true });
  return pino.destination({ dest: target, sync: true, mkdir: true });
}

export function createLogger(options: LoggerOptions): LogSink {
  const stream =
    options.pretty === true && options.destination === 'stdout'
      ? prettyStream((text) => process.stdout.write(text))
      : destinationFor(options.destination);
  const logger = pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return {
    logger,
    reopen: () => {
      if ('reopen' in stream && typeof stream.reopen === 'function') stream.reopen();
    },
    flush: () => {
      logger.flush();
    },
  };
}

/** Field set that names a container in every log line about it. */
export function containerFields(id: string, name?: string): Record<string, string> {
  const fields: Record<string, string> = { 'container.id': id.slice(0, 12) };
  if (name !== undefined && name !== '') fields['container.name'] = name;
  return fields;
}
