/**
 * The database schema as an ordered list of migrations. `PRAGMA user_version` records how many
 * have run; each runs in its own transaction together with the version bump, so a crash leaves
 * the schema at a whole step. Append new steps; never edit a released one.
 */
import type { DatabaseSync } from 'node:sqlite';
import { WhalewallError } from '../errors.ts';

const STATUS_CHECK = "CHECK (status IN ('enforced', 'quarantined', 'unfilterable'))";

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE containers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL ${STATUS_CHECK},
    reasons TEXT NOT NULL,
    rule_count INTEGER NOT NULL,
    applied TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  -- No uniqueness on addr: an address may still be held by a dead container's record while a
  -- new container already uses it; the daemon resolves that through findByAddr.
  CREATE TABLE container_addrs (
    container_id TEXT NOT NULL REFERENCES containers (id) ON DELETE CASCADE,
    addr TEXT NOT NULL,
    PRIMARY KEY (container_id, addr)
  ) STRICT;
  CREATE INDEX container_addrs_by_addr ON container_addrs (addr);

  CREATE TABLE history (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    container_id TEXT NOT NULL,
    container_name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('applied', 'removed', 'rejected')),
    status TEXT ${STATUS_CHECK},
    rule_count INTEGER NOT NULL,
    applied TEXT NOT NULL,
    reasons TEXT NOT NULL,
    ms REAL
  ) STRICT;
  CREATE INDEX history_by_id ON history (container_id, at);
  CREATE INDEX history_by_name ON history (container_name, at);
  `,
];

function userVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get();
  return Number(row?.['user_version'] ?? 0);
}

/** Brings the schema to the newest version; returns the version the file had before. */
export function migrate(db: DatabaseSync, migrations = MIGRATIONS): number {
  const from = checkVersion(db, migrations);

  for (let version = from; version < migrations.length; version++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(migrations[version] ?? '');
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new WhalewallError('ERR_STATE', `schema migration ${version + 1} failed`, {
        cause: err,
      });
    }
  }
  return from;
}

/** The file's schema version, refused when a newer whalewall wrote it. */
export function checkVersion(db: DatabaseSync, migrations = MIGRATIONS): number {
  const version = userVersion(db);
  if (version > migrations.length) {
    const message =
      `the database has schema version ${version}, newer than this whalewall knows ` +
      `(${migrations.length}); run the newer whalewall or use another --data-dir`;
    throw new WhalewallError('ERR_STATE', message);
  }
  return version;
}
