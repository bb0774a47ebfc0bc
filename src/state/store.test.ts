import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { DB_FILE, openStateStore } from './store.ts';
import type { ContainerRecord, StateStore } from './types.ts';

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function record(overrides: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    id: ID_A,
    name: 'web-1',
    status: 'enforced',
    reasons: [],
    addrs: ['10.0.0.2', 'fd00::2'],
    ruleCount: 3,
    applied: '{"chain":"web-1-aaaaaaaaaaaa"}',
    updatedAt: '2026-12-03T14:00:00.000Z',
    ...overrides,
  };
}

function isStateError(err: unknown): boolean {
  return err instanceof WhalewallError && err.code === 'ERR_STATE';
}

describe('openStateStore', () => {
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), 'ww-state-'))));
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('creates a missing data directory with mode 0700 and the schema in WAL mode', () => {
    const dir = join(root, 'fresh', 'data');
    openStateStore(dir).close();

    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const db = new DatabaseSync(join(dir, DB_FILE));
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
    assert.equal(db.prepare('PRAGMA user_version').get()?.['user_version'], MIGRATIONS.length);
    const strict = db.prepare('SELECT count(*) AS n FROM pragma_table_list WHERE strict = 1');
    assert.equal(strict.get()?.['n'], 3);
    db.close();
  });

  it('keeps what was saved across a close and re-open', () => {
    const dir = join(root, 'reopen');
    const first = openStateStore(dir);
    first.saveContainer(record());
    first.close();

    const second = openStateStore(dir);
    assert.deepEqual(second.getContainer(ID_A), record());
    assert.equal(second.historyOf(ID_A).length, 1);
    second.close();
  });

  it('refuses a database written by a newer schema', () => {
    const dir = join(root, 'newer');
    openStateStore(dir).close();
    const db = new DatabaseSync(join(dir, DB_FILE));
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();

    assert.throws(
      () => openStateStore(dir),
      (err) => {
        return isStateError(err) && /newer than this whalewall/.test((err as Error).message);
      },
    );
  });

  it('reports a data directory that cannot be created as ERR_STATE with the cause', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const dir = join(file, 'data');
    assert.throws(
      () => openStateStore(dir),
      (err) => {
        return isStateError(err) && (err as Error).cause instanceof Error;
      },
    );
  });

  it('opens read-only without creating anything', () => {
    assert.throws(() => openStateStore(join(root, 'absent'), { readOnly: true }), isStateError);

    const dir = join(root, 'ro');
    const writer = openStateStore(dir);
    writer.saveContainer(record());
    const ro = openStateStore(dir, { readOnly: true });
    assert.equal(ro.listContainers().length, 1);
    assert.throws(() => {
      ro.saveContainer(record({ name: 'x' }));
    }, isStateError);
    ro.close();
    writer.close();
  });
});

describe('StateStore', () => {
  let root: string;
  let store: StateStore;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ww-state-'));
    store = openStateStore(root);
  });
  after(() => {
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('replaces a container on save and keeps its addresses in the given order', () => {
    store.saveContainer(record());
    store.saveContainer(record({ addrs: ['fd00::9', '10.0.0.9'], ruleCount: 5 }));

    const saved = store.getContainer(ID_A);
    assert.deepEqual(saved?.addrs, ['fd00::9', '10.0.0.9']);
    assert.equal(saved.ruleCount, 5);
    assert.deepEqual(store.findByAddr('10.0.0.2'), []);
    assert.deepEqual(
      store.findByAddr('10.0.0.9').map((c) => c.id),
      [ID_A],
    );
  });

  it('keeps a quarantined container with its reasons and records a rejection', () => {
    const reason = { code: 'ERR_LABEL_VALUE', message: 'port 70000 is outside 1-65535', line: 6 };
    store.saveContainer(
      record({ id: ID_B, name: 'api-1', status: 'quarantined', reasons: [reason], ruleCount: 0 }),
      1.5,
    );

    assert.deepEqual(store.getContainer(ID_B)?.reasons, [reason]);
    const [last] = store.historyOf('api-1');
    assert.equal(last?.kind, 'rejected');
    assert.equal(last.status, 'quarantined');
    assert.equal(last.ms, 1.5);
    assert.deepEqual(
      store.listContainers().map((c) => c.name),
      ['api-1', 'web-1'],
    );
  });

  it('rolls a failed save back entirely', () => {
    const dbPath = join(root, DB_FILE);
    const other = new DatabaseSync(dbPath);
    other.exec(`CREATE TRIGGER fail_history BEFORE INSERT ON history
      BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
    const before = store.getContainer(ID_A);

    assert.throws(
      () => {
        store.saveContainer(record({ name: 'renamed', addrs: ['10.0.0.77'] }));
      },
      (err) => isStateError(err) && /could not save container renamed/.test((err as Error).message),
    );
    other.exec('DROP TRIGGER fail_history');
    other.close();

    assert.deepEqual(store.getContainer(ID_A), before);
    assert.deepEqual(store.findByAddr('10.0.0.77'), []);
  });

  it('removes a container and its addresses and records the removal', () => {
    store.removeContainer(ID_B, '2026-12-03T15:00:00Z');
    store.removeContainer('f'.repeat(64), '2026-12-03T15:00:00Z');

    assert.equal(store.getContainer(ID_B), undefined);
    assert.deepEqual(store.findByAddr('10.0.0.2'), []);
    const [last] = store.historyOf(ID_B.slice(0, 12));
    assert.equal(last?.kind, 'removed');
    assert.equal(last.at, '2026-12-03T15:00:00.000Z');
    assert.equal(store.historyOf('f'.repeat(64)).length, 0);
  });

  it('rejects a time that is not ISO 8601', () => {
    assert.throws(() => {
      store.removeContainer(ID_A, 'at two');
    }, isStateError);
    assert.ok(store.getContainer(ID_A));
  });
});
