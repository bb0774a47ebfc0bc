/**
 * How `whalewall history` shows what a container had: one line per change, and the rules in force
 * at a chosen time, as nft would print them.
 */
import type { ChainSpec, MapElement } from '../policy/index.ts';
import { ruleText } from '../policy/rule-text.ts';
import type { HistoryRecord } from '../state/types.ts';
import { describeReason } from './status-view.ts';

interface AppliedJson {
  readonly chain?: ChainSpec;
  readonly elements?: readonly MapElement[];
}

export function renderHistoryLines(records: readonly HistoryRecord[]): string {
  if (records.length === 0) return 'no history for that container\n';
  const lines = records.map((r) => {
    const status = r.status === undefined ? '' : ` ${r.status}`;
    const who = `${r.containerName} (${r.containerId.slice(0, 12)})`;
    return `${r.at}  ${r.kind}${status}  ${who}  ${r.ruleCount} rules`;
  });
  return `${lines.join('\n')}\n`;
}

/** The chain and addresses a history entry applied, in nft syntax. */
export function renderAppliedAt(record: HistoryRecord): string {
  const applied = JSON.parse(record.applied === '' ? '{}' : record.applied) as AppliedJson;
  const status = record.status === undefined ? '' : `, ${record.status}`;
  const who = `${record.containerName} (${record.containerId.slice(0, 12)})`;
  const head = `${who} at ${record.at}: ${record.kind}${status}`;
  const reasons = record.reasons.map((r) => `  reason: ${describeReason(r)}`);
  if (record.kind === 'removed')
    return `${[head, '  (no rules: whalewall had released it)'].join('\n')}\n`;
  const addrs = (applied.elements ?? []).map((e) => `  ${e.addr} -> ${e.chain}`);
  const chain = applied.chain;
  const rules =
    chain === undefined
      ? ['  (no chain)']
      : [`  chain ${chain.name} {`, ...chain.rules.map((r) => `    ${ruleText(r)}`), '  }'];
  return `${[head, ...reasons, ...addrs, ...rules].join('\n')}\n`;
}
