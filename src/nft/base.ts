/**
 * The fixed part of whalewall's table: the table, the two dispatch maps, the localhost chain with
 * its two sets, and the base chains that look packets up in the maps.
 *
 * Hooks and priority: `forward` (container ↔ container on a bridge, with br_netfilter, and
 * container ↔ other hosts), `input` (container → host) and `output` (host → container, including
 * Docker's userland proxy) at priority `filter - 10`. That runs after conntrack (-200) and
 * destination NAT (-100), so `ct state` is known and published ports are already translated to
 * the container's address and port, and before the filter chains of iptables-nft and of Docker's
 * own nftables backend (priority `filter`, 0). A drop here is final. An accept here only ends
 * this base chain: every later base chain on the hook still judges the packet (docs/datapath.md).
 *
 * Policy `accept`: packets of addresses whalewall does not manage are none of its business.
 */
import { renderLocalhostBase } from './localhost.ts';
import { BASE_CHAINS, IN_TABLE, LOCALHOST_CHAIN, mapName, TABLE } from './names.ts';

const PRIORITY = -10;

function dispatch(family: 'ip' | 'ip6', field: 'saddr' | 'daddr'): unknown {
  const key = { payload: { protocol: family, field } };
  return { vmap: { key, data: `@${mapName(family)}` } };
}

/**
 * Allowed before any container chain. IPv6 neighbour discovery: without it a container's chain,
 * which judges everything the container sends, would drop its neighbour advertisements and IPv6
 * would stop working on the bridge (IPv4's ARP never reaches IP hooks). ICMP errors that conntrack
 * relates to an existing connection (port unreachable, packet too big): that connection was
 * allowed, and dropping them breaks path MTU discovery.
 */
function exemptions(): unknown[][] {
  const icmpv6Type = { payload: { protocol: 'icmpv6', field: 'type' } };
  const ndp = [
    'nd-router-solicit',
    'nd-router-advert',
    'nd-neighbor-solicit',
    'nd-neighbor-advert',
  ];
  return [
    [{ match: { op: '==', left: icmpv6Type, right: { set: ndp } } }, { accept: null }],
    [
      { match: { op: 'in', left: { ct: { key: 'state' } }, right: 'related' } },
      {
        match: {
          op: '==',
          left: { meta: { key: 'l4proto' } },
          right: { set: ['icmp', 'ipv6-icmp'] },
        },
      },
      { accept: null },
    ],
  ];
}

function baseRules(chain: (typeof BASE_CHAINS)[number]): unknown[] {
  // Source first: a managed sender's chain judges everything it sends (reference §0).
  const lookups = [
    dispatch('ip', 'saddr'),
    dispatch('ip6', 'saddr'),
    dispatch('ip', 'daddr'),
    dispatch('ip6', 'daddr'),
  ];
  const exprs: unknown[][] = exemptions();
  if (chain === 'output') exprs.push([{ jump: { target: LOCALHOST_CHAIN } }]);
  exprs.push(...lookups.map((e) => [e]));
  return exprs.map((expr) => ({ add: { rule: { ...IN_TABLE, chain, expr } } }));
}

/**
 * Creates what is missing and resets the rules of the base and localhost chains; container chains
 * and the elements of maps and sets are kept. `add` of an existing table, map, set or chain is a
 * no-op.
 */
export function renderEnsureBase(): unknown[] {
  const maps = (['ip', 'ip6'] as const).map((family) => ({
    add: {
      map: {
        ...IN_TABLE,
        name: mapName(family),
        type: family === 'ip' ? 'ipv4_addr' : 'ipv6_addr',
        map: 'verdict',
      },
    },
  }));
  const chains = BASE_CHAINS.map((hook) => ({
    add: {
      chain: { ...IN_TABLE, name: hook, type: 'filter', hook, prio: PRIORITY, policy: 'accept' },
    },
  }));
  return [
    { add: { table: { ...TABLE } } },
    ...maps,
    { add: { chain: { ...IN_TABLE, name: LOCALHOST_CHAIN } } },
    ...renderLocalhostBase(),
    ...chains,
    ...BASE_CHAINS.map((name) => ({ flush: { chain: { ...IN_TABLE, name } } })),
    ...BASE_CHAINS.flatMap(baseRules),
  ];
}
