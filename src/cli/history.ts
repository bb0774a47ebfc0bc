/**
 * `whalewall history CONTAINER [--at TIME]`: every change whalewall made for a container, or, with
 * `--at`, the rules it had at that moment ("what did api have at 14:02?").
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WhalewallError } from '../errors.ts';
import { openStateStore } from '../state/store.ts';
import type { HistoryRecord } from '../state/types.ts';
import { renderAppliedAt, renderHistoryLines } from './history-view.ts';
import { EXIT, type CliIo } from './io.ts';

const FLAGS = {
  'data-dir': { type: 'string', short: 'd', default: '.' },
  at: { type: 'string' },
  limit: { type: 'string', default: '50' },
  json: { type: 'boolean', default: false },
} as const;

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`whalewall history: ${message}\n`);
  return code;
}

/** `--at` takes an ISO time; a bare `HH:MM` means that time today, in UTC. */
export function parseAt(text: string, now = new Date()): string | undefined {
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (clock !== null) {
    const at = new Date(now);
    at.setUTCHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 999);
    return at.toISOString();
  }
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

export function runHistory(rest: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...rest], options: FLAGS, strict: true, allowPositionals: true });
  } catch (err) {
    return fail(io, (err as Error).message, EXIT.usage);
  }
  const { values, positionals } = parsed;
  const [container] = positionals;
  if (container === undefined || positionals.length > 1) {
    return fail(io, 'name one container (its name or ID)', EXIT.usage);
  }
  const until = values.at === undefined ? undefined : parseAt(values.at);
  if (values.at !== undefined && until === undefined) {
    return fail(
      io,
      `--at "${values.at}" is not a time such as 14:02 or 2026-12-03T14:02:00Z`,
      EXIT.usage,
    );
  }
  const limit = until === undefined ? Number(values.limit) : 1;

  let records: readonly HistoryRecord[];
  try {
    const store = openStateStore(resolve(io.cwd, values['data-dir']), { readOnly: true });
    records = store.historyOf(container, until === undefined ? { limit } : { until, limit });
    store.close();
  } catch (err) {
    if (!(err instanceof WhalewallError)) throw err;
    return fail(io, err.message, EXIT.failure);
  }

  if (values.json) io.stdout(`${JSON.stringify({ history: records }, null, 2)}\n`);
  else if (until === undefined) io.stdout(renderHistoryLines(records));
  else
    io.stdout(
      records[0] === undefined
        ? 'nothing was applied for that container by then\n'
        : renderAppliedAt(records[0]),
    );
  return EXIT.ok;
}
