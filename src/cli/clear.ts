/**
 * `whalewall clear` (and the original's `-clear`): delete whalewall's table, and with it every
 * chain, map and rule whalewall created, and nothing else. The state database forgets the
 * containers (their history stays). Docker is not contacted.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WhalewallError } from '../errors.ts';
import { NftFirewall } from '../nft/index.ts';
import { DB_FILE, openStateStore } from '../state/store.ts';
import { parseDaemonOptions } from './args.ts';
import { EXIT, type CliIo } from './io.ts';
import { exitCodeFor } from './run.ts';

function forgetContainers(dataDir: string): number {
  if (!existsSync(join(dataDir, DB_FILE))) return 0;
  const store = openStateStore(dataDir);
  const at = new Date().toISOString();
  const records = store.listContainers();
  for (const record of records) store.removeContainer(record.id, at);
  store.close();
  return records.length;
}

export async function runClear(rest: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseDaemonOptions(rest);
  if (!parsed.ok) {
    io.stderr(`whalewall clear: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const dataDir = resolve(io.cwd, parsed.value.dataDir);
  try {
    const firewall = new NftFirewall();
    await firewall.clear();
    firewall.close();
    const forgotten = forgetContainers(dataDir);
    io.stdout(`removed table inet whalewall; forgot ${forgotten} container(s)\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof WhalewallError)) throw err;
    io.stderr(`whalewall clear: ${err.message}\n`);
    return exitCodeFor(err);
  }
}
