/**
 * Every SQL statement of the store, prepared once when the store opens. A container's addresses
 * come back as one JSON array in insertion order (`rowid`), so the caller's order survives.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

const CONTAINER_COLUMNS = `
  c.id, c.name, c.status, c.reasons, c.rule_count, c.applied, c.updated_at,
  (SELECT json_group_array(addr) FROM
    (SELECT addr FROM container_addrs a WHERE a.container_id = c.id ORDER BY a.rowid)) AS addrs`;

const SQL = {
  upsertContainer: `
    INSERT INTO containers (id, name, status, reasons, rule_count, applied, updated_at)
    VALUES (:id, :name, :status, :reasons, :rule_count, :applied, :updated_at)
    ON CONFLICT (id) DO UPDATE SET
      name = excluded.name, status = excluded.status, reasons = excluded.reasons,
      rule_count = excluded.rule_count, applied = excluded.applied,
      updated_at = excluded.updated_at`,
  deleteAddrs: 'DELETE FROM container_addrs WHERE container_id = ?',
  insertAddr: `
    INSERT INTO container_addrs (container_id, addr) VALUES (?, ?)
    ON CONFLICT DO NOTHING`,
  deleteContainer: 'DELETE FROM containers WHERE id = ?',
  insertHistory: `
    INSERT INTO history
      (at, container_id, container_name, kind, status, rule_count, applied, reasons, ms)
    VALUES
      (:at, :container_id, :container_name, :kind, :status, :rule_count, :applied, :reasons, :ms)`,
  selectContainers: `SELECT ${CONTAINER_COLUMNS} FROM containers c ORDER BY c.name, c.id`,
  selectContainer: `SELECT ${CONTAINER_COLUMNS} FROM containers c WHERE c.id = ?`,
  selectByAddr: `
    SELECT ${CONTAINER_COLUMNS} FROM containers c
    WHERE c.id IN (SELECT container_id FROM container_addrs WHERE addr = ?)
    ORDER BY c.updated_at DESC`,
  // A name reaches every ID that ever carried it, so a renamed or recreated container's history
  // is found by either; an ID prefix needs at least 12 characters, like `docker ps` prints.
  selectHistory: `
    SELECT * FROM history
    WHERE container_id IN (
        SELECT :key
        UNION SELECT container_id FROM history WHERE container_name = :key
        UNION SELECT container_id FROM history
          WHERE length(:key) >= 12 AND substr(container_id, 1, length(:key)) = :key)
      AND at <= :until
    ORDER BY at DESC, seq DESC
    LIMIT :limit`,
  deleteHistoryBefore: 'DELETE FROM history WHERE at < ?',
} as const;

export type Statements = Record<keyof typeof SQL, StatementSync>;

export function prepareStatements(db: DatabaseSync): Statements {
  const entries = Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)] as const);
  return Object.fromEntries(entries) as Statements;
}
