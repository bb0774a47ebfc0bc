/**
 * The localhost chain keeps its drops as set elements, not as rules.
 *
 * Each drop the planner makes for the localhost chain has one shape: new connections from the
 * loopback address of one family to one `protocol . host port`, with a comment naming the
 * container. Two fixed rules (one per family) look the pair up in a set of that family, and a
 * container's drops come and go as elements of those sets. A change then adds and deletes a few
 * elements instead of rewriting a chain that holds one rule per published port of every
 * container (1,000 rules at 1,000 containers: 26 of the 33 ms of one container's transaction),
 * and a packet from the host costs one hash lookup instead of a walk through every rule.
 *
 * Limitation: a set holds one element per `protocol . port`, so when two containers publish the
 * same host port and protocol on the same loopback family (Docker refuses this for running
 * containers) the kernel keeps one comment and read-back reports one drop.
 */
import type { IpFamily, RuleSpec } from '../policy/ruleset.ts';
import { compareLocalhostDrops } from '../policy/plan-mapped-ports.ts';
import { IN_TABLE, LOCALHOST_CHAIN, localhostSetName } from './names.ts';

const FAMILIES: readonly IpFamily[] = ['ip', 'ip6'];
const LOOPBACK = { ip: '127.0.0.1', ip6: '::1' } as const;

// Protocol numbers, not names: a name would make libnftables read /etc/protocols, which a slim
// image may lack. Listings print the name when that file exists, so both are read back.
const PROTO_NUMBER = { tcp: 6, udp: 17 } as const;
const PROTO_BY_VALUE: Readonly<Record<string, 'tcp' | 'udp'>> = {
  tcp: 'tcp',
  udp: 'udp',
  '6': 'tcp',
  '17': 'udp',
};

/** The two sets and, in the (flushed) localhost chain, the two rules that look them up. */
export function renderLocalhostBase(): unknown[] {
  const sets = FAMILIES.map((family) => ({
    add: {
      set: { ...IN_TABLE, name: localhostSetName(family), type: ['inet_proto', 'inet_service'] },
    },
  }));
  const rules = FAMILIES.map((family) => {
    const key = {
      concat: [{ meta: { key: 'l4proto' } }, { payload: { protocol: 'th', field: 'dport' } }],
    };
    const saddr = { payload: { protocol: family, field: 'saddr' } };
    const expr = [
      { match: { op: '==', left: saddr, right: LOOPBACK[family] } },
      { match: { op: '==', left: key, right: `@${localhostSetName(family)}` } },
      { match: { op: 'in', left: { ct: { key: 'state' } }, right: ['new'] } },
      { counter: null },
      { drop: null },
    ];
    const comment = 'published ports closed to the host; elements name their container';
    return { add: { rule: { ...IN_TABLE, chain: LOCALHOST_CHAIN, expr, comment } } };
  });
  return [...sets, { flush: { chain: { ...IN_TABLE, name: LOCALHOST_CHAIN } } }, ...rules];
}

interface Drop {
  readonly family: IpFamily;
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
}

/** The element a planned drop becomes; throws on a rule of another shape (a planner bug). */
function dropOf(rule: RuleSpec): Drop {
  const { family, proto, dport, saddr, state, verdict } = rule;
  const port = dport?.length === 1 ? dport[0] : undefined;
  if (
    family !== undefined &&
    (proto === 'tcp' || proto === 'udp') &&
    port !== undefined &&
    port.from === port.to &&
    saddr?.[0]?.from === LOOPBACK[family] &&
    state === 'new' &&
    verdict.kind === 'drop'
  ) {
    return { family, proto, port: port.from };
  }
  throw new Error(`a localhost rule must be a loopback drop of one port: ${JSON.stringify(rule)}`);
}

function elementCmd(verb: 'add' | 'delete', rule: RuleSpec): unknown {
  const drop = dropOf(rule);
  const val = { concat: [PROTO_NUMBER[drop.proto], drop.port] };
  const elem = verb === 'add' ? { elem: { val, comment: rule.comment } } : val;
  return {
    [verb]: { element: { ...IN_TABLE, name: localhostSetName(drop.family), elem: [elem] } },
  };
}

export function renderLocalhostDeletes(rules: readonly RuleSpec[]): unknown[] {
  return rules.map((r) => elementCmd('delete', r));
}

export function renderLocalhostAdds(rules: readonly RuleSpec[]): unknown[] {
  return rules.map((r) => elementCmd('add', r));
}

/** One element of a localhost set as read-back found it: protocol name or number, port, comment. */
export interface LocalhostItem {
  readonly proto: string | undefined;
  readonly port: number;
  readonly comment: string;
}

function ruleOf(family: IpFamily, item: LocalhostItem): RuleSpec[] {
  const proto = PROTO_BY_VALUE[String(item.proto)];
  if (proto === undefined || !Number.isInteger(item.port)) return [];
  const loopback = LOOPBACK[family];
  const rule: RuleSpec = {
    comment: item.comment,
    family,
    saddr: [{ from: loopback, to: loopback }],
    proto,
    dport: [{ from: item.port, to: item.port }],
    state: 'new',
    verdict: { kind: 'drop' },
  };
  return [rule];
}

/** The localhost drops held by the elements of the two sets, sorted as the planner sorts them. */
export function readLocalhostDrops(
  sets: readonly { family: IpFamily; items: readonly LocalhostItem[] }[],
): RuleSpec[] {
  const drops = sets.flatMap((set) => set.items.flatMap((item) => ruleOf(set.family, item)));
  return drops.sort(compareLocalhostDrops);
}
