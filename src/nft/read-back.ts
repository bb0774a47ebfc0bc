/**
 * Parses `list table inet whalewall` JSON back into the policy layer's data, so the daemon can
 * diff the kernel against what it wants and repair drift.
 *
 * Only container chains (`whalewall-*`), the two maps and the localhost sets are read; base
 * chains and the localhost chain's fixed rules belong to ensureBase, operator chains to the
 * operator. A rule in a read chain that
 * whalewall could not have written is kept as `unrecognised`, so its chain differs from any plan
 * and gets replaced.
 */
import type { AddrRange, PortRange } from '../labels/model.ts';
import type {
  ChainSpec,
  CtState,
  DesiredRuleset,
  IpFamily,
  L4Proto,
  MapElement,
  RuleSpec,
  RuleVerdict,
} from '../policy/ruleset.ts';
import { compareElements } from '../policy/plan.ts';
import { readLocalhostDrops } from './localhost.ts';
import { CONTAINER_CHAIN_PREFIX as PREFIX, mapName } from './names.ts';
import { prefixToRange } from './prefix.ts';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Unrecognised extends Error {}

function fail(): never {
  throw new Unrecognised();
}

function rangeOf(v: unknown): AddrRange | PortRange {
  if (typeof v === 'string' || typeof v === 'number') return { from: v, to: v } as AddrRange;
  const range: unknown = isObj(v) ? v.range : undefined;
  if (Array.isArray(range) && range.length === 2) {
    const [from, to] = range as [string, string];
    return { from, to };
  }
  const p = isObj(v) ? v.prefix : undefined;
  if (isObj(p) && typeof p.addr === 'string' && typeof p.len === 'number') {
    return prefixToRange(p.addr, p.len);
  }
  return fail();
}

function listOf(v: unknown): AddrRange[] {
  const items = isObj(v) && Array.isArray(v.set) ? v.set : [v];
  return items.map(rangeOf) as AddrRange[];
}

const STATE_BY_TEXT: Record<string, CtState> = {
  new: 'new',
  'established,related': 'established',
  'established,new,related': 'new,established',
};

function stateOf(v: unknown): CtState {
  const names = (Array.isArray(v) ? v : [v]).map(String).sort().join(',');
  return STATE_BY_TEXT[names] ?? fail();
}

const PROTOS: Record<string, L4Proto> = { tcp: 'tcp', udp: 'udp', icmp: 'icmp' };
PROTOS['ipv6-icmp'] = 'icmpv6';

type Mutable = { -readonly [K in keyof RuleSpec]?: RuleSpec[K] };

function readMatch(m: Obj, rule: Mutable): void {
  const left = m.left;
  if (!isObj(left)) fail();
  const payload = left.payload;
  if (isObj(payload) && (payload.protocol === 'ip' || payload.protocol === 'ip6')) {
    rule.family = payload.protocol;
    if (payload.field === 'saddr') rule.saddr = listOf(m.right);
    else if (payload.field === 'daddr') rule.daddr = listOf(m.right);
    else fail();
    return;
  }
  if (isObj(payload) && (payload.protocol === 'tcp' || payload.protocol === 'udp')) {
    rule.proto = payload.protocol;
    const ports = listOf(m.right) as unknown as PortRange[];
    if (payload.field === 'sport') rule.sport = ports;
    else if (payload.field === 'dport') rule.dport = ports;
    else fail();
    return;
  }
  if (isObj(left.meta) && left.meta.key === 'l4proto') {
    rule.proto = PROTOS[String(m.right)] ?? fail();
    return;
  }
  if (isObj(left.ct) && left.ct.key === 'state') {
    rule.state = stateOf(m.right);
    return;
  }
  fail();
}

function verdictOf(e: Obj): RuleVerdict | undefined {
  if ('accept' in e) return { kind: 'accept' };
  if ('drop' in e) return { kind: 'drop' };
  if (isObj(e.jump) && typeof e.jump.target === 'string') {
    return { kind: 'jump', chain: e.jump.target };
  }
  if (isObj(e.queue) && typeof e.queue.num === 'number' && Object.keys(e.queue).length === 1) {
    return { kind: 'queue', num: e.queue.num };
  }
  return undefined;
}

function readExpr(e: unknown, rule: Mutable): void {
  if (!isObj(e) || rule.verdict !== undefined) fail();
  if (isObj(e.match)) {
    readMatch(e.match, rule);
    return;
  }
  if ('counter' in e) return;
  if (isObj(e.log) && e.log.level === 'info' && typeof e.log.prefix === 'string') {
    rule.logPrefix = e.log.prefix;
    return;
  }
  rule.verdict = verdictOf(e) ?? fail();
}

/** Fields in the order the planner writes them, so equal rules print alike. */
function ordered(r: Mutable): RuleSpec {
  const keys = ['comment', 'family', 'saddr', 'daddr', 'proto', 'sport', 'dport', 'state'];
  const out: Obj = {};
  for (const k of [...keys, 'logPrefix', 'verdict']) {
    const v = (r as Obj)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as unknown as RuleSpec;
}

export function parseRule(raw: Obj): RuleSpec {
  const comment = typeof raw.comment === 'string' ? raw.comment : '';
  try {
    const rule: Mutable = { comment };
    if (!Array.isArray(raw.expr)) fail();
    for (const e of raw.expr) readExpr(e, rule);
    if (rule.verdict === undefined) fail();
    return ordered(rule);
  } catch (err) {
    if (!(err instanceof Unrecognised)) throw err;
    const unrecognised = JSON.stringify(raw.expr);
    return { comment, verdict: { kind: 'accept' }, unrecognised };
  }
}

function elementsOf(map: Obj, family: IpFamily): MapElement[] {
  const elems = Array.isArray(map.elem) ? map.elem : [];
  return elems.flatMap((pair: unknown) => {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string' || !isObj(pair[1])) return [];
    const jump = pair[1].jump;
    const chain = isObj(jump) && typeof jump.target === 'string' ? jump.target : '';
    return [{ family, addr: pair[0], chain }];
  });
}

/** `listing` is libnftables' JSON output of `list table inet whalewall`. */
export function parseTable(listing: unknown): DesiredRuleset {
  const items = isObj(listing) && Array.isArray(listing.nftables) ? listing.nftables : [];
  const rules = new Map<string, RuleSpec[]>();
  const chainNames: string[] = [];
  const elements: MapElement[] = [];
  for (const item of items as unknown[]) {
    if (!isObj(item)) continue;
    const { chain, rule, map } = item;
    if (isObj(chain) && typeof chain.name === 'string') chainNames.push(chain.name);
    if (isObj(rule) && typeof rule.chain === 'string' && rule.chain.startsWith(PREFIX)) {
      const list = rules.get(rule.chain) ?? [];
      list.push(parseRule(rule));
      rules.set(rule.chain, list);
    }
    if (isObj(map) && map.name === mapName('ip')) elements.push(...elementsOf(map, 'ip'));
    if (isObj(map) && map.name === mapName('ip6')) elements.push(...elementsOf(map, 'ip6'));
  }
  const chains: ChainSpec[] = chainNames
    .filter((name) => name.startsWith(PREFIX))
    .sort((x, y) => x.localeCompare(y))
    .map((name) => ({ name, rules: rules.get(name) ?? [] }));
  const localhost = readLocalhostDrops(items as unknown[]);
  return { chains, localhost, elements: elements.sort(compareElements) };
}
