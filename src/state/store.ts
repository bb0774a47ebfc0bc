/**
 * The state store on SQLite, through Node's built-in `node:sqlite` (`DatabaseSync`).
 *
 * Why node:sqlite: it ships with Node 24, so installing whalewall compiles nothing (the native
 * better-sqlite3 takes over a minute to build on a 2-core machine and ties the package to one
 * Node ABI), and its synchronous API suits one writer doing small transactions. The database is
 * `<data dir>/whalewall.db` in WAL mode with `synchronous=NORMAL`: a crash may lose the last
 * commits but never corrupts the file, and `whalewall status` can read while the daemon writes.
 * Every write of the store is one transaction: a container's row, its addresses and its history
 * entry land together or not at all.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { WhalewallError } from '../errors.ts';
import { checkVersion, migrate, MIGRATIONS } from './migrations.ts';
import { fromContainerRow, fromHistoryRow, toContainerRow, toIsoTime } from './rows.ts';
import { prepareStatements, type Statements } from './statements.ts';
import type {
  ContainerRecord,
  HistoryQuery,
  HistoryRecord,
  StateStore,
  StateStoreOptions,
} from './types.ts';

export const DB_FILE = 'whalewall.db';
const BUSY_TIMEOUT_MS = 5000;

/** Opens (creating and migrating unless read-only) the store in `dataDir`. */
export function openStateStore(dataDir: string, opts: StateStoreOptions = {}): StateStore {
  const file = join(dataDir, DB_FILE);
  try {
    return new SqliteStateStore(openDatabase(dataDir, file, opts.readOnly === true));
  } catch (err) {
    if (err instanceof WhalewallError) throw err;
    throw new WhalewallError('ERR_STATE', `could not open the state database ${file}`, {
      cause: err,
    });
  }
}

function openDatabase(dataDir: string, file: string, readOnly: boolean): DatabaseSync {
  if (!readOnly) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(file, {
    readOnly,
    enableForeignKeyConstraints: true,
    timeout: BUSY_TIMEOUT_MS,
  });
  try {
    configure(db, readOnly);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function configure(db: DatabaseSync, readOnly: boolean): void {
  // temp_store = MEMORY: under the sandbox SQLite may not create temporary files in /tmp.
  db.exec('PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY');
  if (readOnly) {
    if (checkVersion(db) < MIGRATIONS.length) {
      throw new WhalewallError('ERR_STATE', 'the state database is older than this whalewall');
    }
    return;
  }
  const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.['journal_mode'];
  if (mode !== 'wal') {
    throw new WhalewallError(
      'ERR_STATE',
      `the state database refused WAL mode (got ${String(mode)})`,
    );
  }
  migrate(db);
}

class SqliteStateStore implements StateStore {
  readonly #db: DatabaseSync;
  readonly #sql: Statements;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#sql = prepareStatements(db);
  }

  saveContainer(rec: ContainerRecord, ms?: number): void {
    const row = toContainerRow(rec);
    const kind = rec.status === 'quarantined' ? 'rejected' : 'applied';

    this.#write(`could not save container ${rec.name}`, () => {
      this.#sql.upsertContainer.run({ ...row });
      this.#sql.deleteAddrs.run(rec.id);
      for (const addr of rec.addrs) this.#sql.insertAddr.run(rec.id, addr);
      this.#sql.insertHistory.run({
        at: row.updated_at,
        container_id: row.id,
        container_name: row.name,
        kind,
        status: row.status,
        rule_count: row.rule_count,
        applied: row.applied,
        reasons: row.reasons,
        ms: ms ?? null,
      });
    });
  }

  removeContainer(id: string, at: string): void {
    const when = toIsoTime(at);

    this.#write(`could not remove container ${id}`, () => {
      const old = this.getContainer(id);
      if (old === undefined) return;
      this.#sql.deleteContainer.run(id);
      this.#sql.insertHistory.run({
        at: when,
        container_id: id,
        container_name: old.name,
        kind: 'removed',
        status: null,
        rule_count: 0,
        applied: old.applied,
        reasons: '[]',
        ms: null,
      });
    });
  }

  listContainers(): readonly ContainerRecord[] {
    return this.#sql.selectContainers.all().map(fromContainerRow);
  }

  getContainer(id: string): ContainerRecord | undefined {
    const row = this.#sql.selectContainer.get(id);
    return row === undefined ? undefined : fromContainerRow(row);
  }

  findByAddr(addr: string): readonly ContainerRecord[] {
    return this.#sql.selectByAddr.all(addr).map(fromContainerRow);
  }

  historyOf(idOrName: string, query: HistoryQuery = {}): readonly HistoryRecord[] {
    const params = {
      key: idOrName,
      until: query.until === undefined ? '9999' : toIsoTime(query.until),
      limit: query.limit ?? -1,
    };
    return this.#sql.selectHistory.all(params).map(fromHistoryRow);
  }

  pruneHistory(before: string): number {
    const when = toIsoTime(before);
    let deleted = 0;
    this.#write('could not prune the history', () => {
      deleted = Number(this.#sql.deleteHistoryBefore.run(when).changes);
    });
    return deleted;
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction; on any failure rolls back and throws ERR_STATE. */
  #write(what: string, fn: () => void): void {
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      fn();
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw new WhalewallError('ERR_STATE', what, { cause: err });
    }
  }
}
