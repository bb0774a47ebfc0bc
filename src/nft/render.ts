/**
 * Renders planned rules and change sets as libnftables JSON commands.
 *
 * Address and port lists become one match each: a plain value, a range, or one anonymous
 * interval set holding singles and ranges together. nft turns the inclusive ranges of the JSON
 * input into the kernel's half-open intervals itself, so both ends stay inclusive (reference §2.6
 * describes the bug this avoids).
 */
import type { AddrRange, PortRange } from '../labels/model.ts';
import type { ChainSpec, ChangeSet, MapElement, RuleSpec, RuleVerdict } from '../policy/ruleset.ts';
import { renderLocalhostAdds, renderLocalhostDeletes } from './localhost.ts';
import { IN_TABLE, mapName } from './names.ts';

type Json = unknown;

function valueOf(list: readonly (AddrRange | PortRange)[]): Json {
  const items = list.map((r) => (r.from === r.to ? r.from : { range: [r.from, r.to] }));
  return items.length === 1 ? items[0] : { set: items };
}

function match(left: Json, right: Json, op = '=='): Json {
  return { match: { op, left, right } };
}

const STATES = {
  new: ['new'],
  established: ['established', 'related'],
  'new,established': ['new', 'established', 'related'],
} as const;

function verdictExpr(v: RuleVerdict): Json {
  switch (v.kind) {
    case 'accept':
      return { accept: null };
    case 'drop':
      return { drop: null };
    case 'jump':
      return { jump: { target: v.chain } };
    case 'queue':
      return { queue: { num: v.num } };
  }
}

function protoExprs(rule: RuleSpec): Json[] {
  const proto = rule.proto;
  if (proto === undefined) return [];
  const ports: Json[] = [];
  if (rule.sport !== undefined) {
    ports.push(match({ payload: { protocol: proto, field: 'sport' } }, valueOf(rule.sport)));
  }
  if (rule.dport !== undefined) {
    ports.push(match({ payload: { protocol: proto, field: 'dport' } }, valueOf(rule.dport)));
  }
  if (ports.length > 0) return ports;
  return [match({ meta: { key: 'l4proto' } }, proto === 'icmpv6' ? 'ipv6-icmp' : proto)];
}

export function ruleExprs(rule: RuleSpec): Json[] {
  const expr: Json[] = [];
  const family = rule.family;
  if (family !== undefined && rule.saddr !== undefined) {
    expr.push(match({ payload: { protocol: family, field: 'saddr' } }, valueOf(rule.saddr)));
  }
  if (family !== undefined && rule.daddr !== undefined) {
    expr.push(match({ payload: { protocol: family, field: 'daddr' } }, valueOf(rule.daddr)));
  }
  expr.push(...protoExprs(rule));
  if (rule.state !== undefined)
    expr.push(match({ ct: { key: 'state' } }, STATES[rule.state], 'in'));
  expr.push({ counter: null });
  if (rule.logPrefix !== undefined) expr.push({ log: { prefix: rule.logPrefix, level: 'info' } });
  expr.push(verdictExpr(rule.verdict));
  return expr;
}

const chainRef = (name: string) => ({ chain: { ...IN_TABLE, name } });

function addRules(chain: string, rules: readonly RuleSpec[]): Json[] {
  return rules.map((rule) => ({
    add: { rule: { ...IN_TABLE, chain, expr: ruleExprs(rule), comment: rule.comment } },
  }));
}

function elementCmd(verb: 'add' | 'delete', e: MapElement): Json {
  const elem = verb === 'add' ? [[e.addr, { jump: { target: e.chain } }]] : [e.addr];
  return { [verb]: { element: { ...IN_TABLE, name: mapName(e.family), elem } } };
}

function fillChains(chains: readonly ChainSpec[]): Json[] {
  return chains.flatMap((c) => addRules(c.name, c.rules));
}

/**
 * One transaction for a change set; the localhost chain changes by set elements only
 * (localhost.ts). Order matters within it: map elements that point at a chain go before the
 * chain is deleted (a referenced chain cannot be deleted), chains exist
 * before elements point at them, and a chain is flushed before it is refilled or deleted.
 */
export function renderChangeSet(change: ChangeSet): Json[] {
  return [
    ...renderLocalhostDeletes(change.localhostDelete ?? []),
    ...change.deleteElements.map((e) => elementCmd('delete', e)),
    ...change.replaceChains.map((c) => ({ flush: chainRef(c.name) })),
    ...change.deleteChains.map((name) => ({ flush: chainRef(name) })),
    ...change.addChains.map((c) => ({ add: chainRef(c.name) })),
    ...fillChains(change.replaceChains),
    ...fillChains(change.addChains),
    ...change.deleteChains.map((name) => ({ delete: chainRef(name) })),
    ...change.addElements.map((e) => elementCmd('add', e)),
    ...renderLocalhostAdds(change.localhostAdd ?? []),
  ];
}
