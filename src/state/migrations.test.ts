import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { migrate } from './migrations.ts';

const STEPS = [
  'CREATE TABLE one (x INTEGER) STRICT',
  'CREATE TABLE two (y INTEGER) STRICT; INSERT INTO nowhere VALUES (1)',
];

function version(db: DatabaseSync): unknown {
  return db.prepare('PRAGMA user_version').get()?.['user_version'];
}

function tables(db: DatabaseSync): unknown[] {
  const rows = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  return rows.all().map((r) => r['name']);
}

describe('migrate', () => {
  it('runs each step once and reports the version it started from', () => {
    const db = new DatabaseSync(':memory:');
    assert.equal(migrate(db, STEPS.slice(0, 1)), 0);
    assert.equal(migrate(db, STEPS.slice(0, 1)), 1);
    assert.equal(version(db), 1);
    db.close();
  });

  it('keeps the schema at the last whole step when a step fails', () => {
    const db = new DatabaseSync(':memory:');
    assert.throws(
      () => migrate(db, STEPS),
      (err) => err instanceof WhalewallError && err.message === 'schema migration 2 failed',
    );
    assert.equal(version(db), 1);
    assert.deepEqual(tables(db), ['one']);
    db.close();
  });
});
