/** How `whalewall status` shows the managed containers: a table for people, JSON for machines. */
import type { ContainerRecord, StoredReason } from '../state/types.ts';

export interface StatusRow {
  readonly id: string;
  readonly name: string;
  readonly status: ContainerRecord['status'];
  readonly addresses: number;
  readonly rules: number;
  readonly updatedAt: string;
  readonly reasons: readonly StoredReason[];
}

export function toStatusRows(records: readonly ContainerRecord[]): StatusRow[] {
  return [...records]
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      addresses: r.addrs.length,
      rules: r.ruleCount,
      updatedAt: r.updatedAt,
      reasons: r.reasons,
    }));
}

/** `output[1].dst_ports[0], line 6 column 17: port 70000 is outside 1-65535` */
export function describeReason(reason: StoredReason): string {
  const where = [
    reason.label,
    reason.path,
    reason.line === undefined ? undefined : `line ${reason.line} column ${reason.column ?? 1}`,
  ].filter((part) => part !== undefined && part !== '');
  const place = where.length > 0 ? `${where.join(', ')}: ` : '';
  return `${reason.code} ${place}${reason.message}`;
}

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => cell.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

export function renderStatusTable(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return 'no containers are managed by whalewall\n';
  const header = ['CONTAINER', 'ID', 'STATUS', 'ADDRESSES', 'RULES'];
  const body = rows.map((r) => [
    r.name,
    r.id.slice(0, 12),
    r.status,
    String(r.addresses),
    String(r.rules),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)),
  );
  const lines = [pad(header, widths)];
  rows.forEach((row, i) => {
    lines.push(pad(body[i] ?? [], widths));
    for (const reason of row.reasons) lines.push(`    ${describeReason(reason)}`);
  });
  return `${lines.join('\n')}\n`;
}
