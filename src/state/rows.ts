/**
 * Conversion between database rows and the records of types.ts. Columns holding lists are JSON
 * text; timestamps are normalised to UTC ISO 8601 so that text order is time order.
 */
import type { SQLOutputValue } from 'node:sqlite';
import { WhalewallError } from '../errors.ts';
import type {
  ContainerRecord,
  ContainerStatus,
  HistoryKind,
  HistoryRecord,
  StoredReason,
} from './types.ts';

type Row = Record<string, SQLOutputValue>;

export interface ContainerRow {
  readonly id: string;
  readonly name: string;
  readonly status: ContainerStatus;
  readonly reasons: string;
  readonly rule_count: number;
  readonly applied: string;
  readonly updated_at: string;
}

/** A time as UTC ISO 8601 with milliseconds; throws when `text` is no time at all. */
export function toIsoTime(text: string): string {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) {
    throw new WhalewallError('ERR_STATE', `"${text}" is not a time (expected ISO 8601)`);
  }
  return time.toISOString();
}

export function toContainerRow(rec: ContainerRecord): ContainerRow {
  return {
    id: rec.id,
    name: rec.name,
    status: rec.status,
    reasons: JSON.stringify(rec.reasons),
    rule_count: rec.ruleCount,
    applied: rec.applied,
    updated_at: toIsoTime(rec.updatedAt),
  };
}

function text(row: Row, column: string): string {
  const value = row[column];
  return typeof value === 'string' ? value : '';
}

function count(row: Row, column: string): number {
  const value = row[column];
  return typeof value === 'number' || typeof value === 'bigint' ? Number(value) : 0;
}

function reasons(row: Row): readonly StoredReason[] {
  return JSON.parse(text(row, 'reasons')) as StoredReason[];
}

/** `addrs` is the JSON array that the listing query aggregates from container_addrs. */
export function fromContainerRow(row: Row): ContainerRecord {
  return {
    id: text(row, 'id'),
    name: text(row, 'name'),
    status: text(row, 'status') as ContainerStatus,
    reasons: reasons(row),
    addrs: JSON.parse(text(row, 'addrs') || '[]') as string[],
    ruleCount: count(row, 'rule_count'),
    applied: text(row, 'applied'),
    updatedAt: text(row, 'updated_at'),
  };
}

export function fromHistoryRow(row: Row): HistoryRecord {
  const status = row['status'];
  const ms = row['ms'];
  return {
    at: text(row, 'at'),
    containerId: text(row, 'container_id'),
    containerName: text(row, 'container_name'),
    kind: text(row, 'kind') as HistoryKind,
    ...(typeof status === 'string' ? { status: status as ContainerStatus } : {}),
    ruleCount: count(row, 'rule_count'),
    applied: text(row, 'applied'),
    reasons: reasons(row),
    ...(typeof ms === 'number' ? { ms } : {}),
  };
}
