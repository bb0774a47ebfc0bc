/** `whalewall status`: what each managed container has, from the state the daemon keeps. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WhalewallError } from '../errors.ts';
import { openStateStore } from '../state/store.ts';
import { EXIT, type CliIo } from './io.ts';
import { renderStatusTable, toStatusRows } from './status-view.ts';

const FLAGS = {
  'data-dir': { type: 'string', short: 'd', default: '.' },
  json: { type: 'boolean', default: false },
} as const;

export function runStatus(rest: readonly string[], io: CliIo): number {
  let values;
  try {
    ({ values } = parseArgs({ args: [...rest], options: FLAGS, strict: true }));
  } catch (err) {
    io.stderr(`whalewall status: ${(err as Error).message}\n`);
    return EXIT.usage;
  }

  const dataDir = resolve(io.cwd, values['data-dir']);
  let rows;
  try {
    const store = openStateStore(dataDir, { readOnly: true });
    rows = toStatusRows(store.listContainers());
    store.close();
  } catch (err) {
    if (!(err instanceof WhalewallError)) throw err;
    io.stderr(`whalewall status: ${err.message}\n`);
    return EXIT.failure;
  }

  io.stdout(
    values.json ? `${JSON.stringify({ containers: rows }, null, 2)}\n` : renderStatusTable(rows),
  );
  return EXIT.ok;
}
