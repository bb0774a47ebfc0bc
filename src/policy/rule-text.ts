/**
 * One-line text of a planned rule in nft's own syntax (counters left out), for tests, debug logs
 * and status output. It reads like `nft list chain` so a reader can compare the two directly.
 */
import type { AddrRange, PortRange } from '../labels/model.ts';
import type { RuleSpec, RuleVerdict } from './ruleset.ts';

function rangeText(r: AddrRange | PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

function listText(list: readonly (AddrRange | PortRange)[]): string {
  if (list.length === 1 && list[0] !== undefined) return rangeText(list[0]);
  return `{ ${list.map(rangeText).join(', ')} }`;
}

function verdictText(v: RuleVerdict): string {
  switch (v.kind) {
    case 'accept':
    case 'drop':
      return v.kind;
    case 'jump':
      return `jump ${v.chain}`;
    case 'queue':
      return `queue num ${v.num}`;
  }
}

const STATE_TEXT = {
  new: 'new',
  established: 'established,related',
  'new,established': 'new,established,related',
} as const;

function protoText(rule: RuleSpec): string[] {
  const proto = rule.proto;
  if (proto === undefined) return [];
  const ports: string[] = [];
  if (rule.sport !== undefined) ports.push(`${proto} sport ${listText(rule.sport)}`);
  if (rule.dport !== undefined) ports.push(`${proto} dport ${listText(rule.dport)}`);
  if (ports.length > 0) return ports;
  return [`meta l4proto ${proto === 'icmpv6' ? 'ipv6-icmp' : proto}`];
}

export function ruleText(rule: RuleSpec): string {
  const parts: string[] = [];
  if (rule.family !== undefined && rule.saddr !== undefined) {
    parts.push(`${rule.family} saddr ${listText(rule.saddr)}`);
  }
  if (rule.family !== undefined && rule.daddr !== undefined) {
    parts.push(`${rule.family} daddr ${listText(rule.daddr)}`);
  }
  parts.push(...protoText(rule));
  if (rule.state !== undefined) parts.push(`ct state ${STATE_TEXT[rule.state]}`);
  if (rule.logPrefix !== undefined) parts.push(`log prefix "${rule.logPrefix}" level info`);
  parts.push(verdictText(rule.verdict), `comment "${rule.comment}"`);
  return rule.unrecognised === undefined ? parts.join(' ') : `unrecognised ${rule.unrecognised}`;
}
