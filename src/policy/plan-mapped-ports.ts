/**
 * Compiles `mapped_ports` (reference §2.7) for the container ports that have a host binding.
 *
 * "localhost" is traffic the Docker host itself sends: with Docker's userland proxy it reaches the
 * container from the network's gateway address. So for every attachment and family the container
 * chain gets, first, a gateway rule (the localhost verdict, or a logged drop of new connections
 * when localhost is not allowed) and then, when external access is allowed, the external rule.
 * When localhost is not allowed, the shared localhost chain also drops new connections from
 * 127.0.0.1 (IPv4 bindings) and ::1 (IPv6 bindings) to the host port, so the host's client sees a
 * timeout instead of a proxy that accepts and then hangs up.
 *
 * Decisions beyond the original: IPv6 bindings and addresses are handled; the gateway rule is
 * made even when external access is open to all, so a localhost verdict (e.g. a queue) is kept;
 * SCTP bindings get no rule (the chain's final drop applies); bindings on a specific non-loopback
 * host address get no localhost drop, since the host reaches them from that address.
 */
import type { NetworkAttachment, PortBinding } from '../docker/types.ts';
import type { PortRange } from '../labels/model.ts';
import { expandAllow, expandDrop, type Flow } from './expand.ts';
import { ruleComment, userLogPrefix } from './names.ts';
import { addressOf, one } from './plan-output.ts';
import type { IpFamily, L4Proto, ManagedContainer, RuleSpec } from './ruleset.ts';

interface PublishedPort {
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
}

/** Distinct published container ports, in port then protocol order. */
function publishedPorts(bindings: readonly PortBinding[]): PublishedPort[] {
  const seen = new Map<string, PublishedPort>();
  for (const b of bindings) {
    if (b.proto === 'sctp') continue;
    seen.set(`${b.containerPort}/${b.proto}`, { proto: b.proto, port: b.containerPort });
  }
  return [...seen.values()].sort((x, y) => x.port - y.port || x.proto.localeCompare(y.proto));
}

function gatewayOf(a: NetworkAttachment, family: IpFamily): string | undefined {
  return family === 'ip' ? a.gatewayV4 : a.gatewayV6;
}

function portList(port: number): PortRange[] {
  return [{ from: port, to: port }];
}

type AddrList = NonNullable<RuleSpec['saddr']>;

/**
 * A flow into the container's published port from `peers` (any source when undefined), with the
 * replies going back to them; named after the label part (`mapped_ports.localhost`, ...).
 */
function inboundFlow(
  m: ManagedContainer,
  p: PublishedPort,
  route: { family: IpFamily; self: string; peers: AddrList | undefined },
  part: 'localhost' | 'external',
): Flow {
  const { family, self, peers } = route;
  const logPrefix = m.rules[part].logPrefix;
  return {
    direction: 'inbound',
    forward: {
      family,
      ...(peers === undefined ? {} : { saddr: peers }),
      daddr: one(self),
      proto: p.proto,
      dport: portList(p.port),
    },
    reply: {
      family,
      saddr: one(self),
      ...(peers === undefined ? {} : { daddr: peers }),
      proto: p.proto,
      sport: portList(p.port),
    },
    comment: ruleComment(m.info, `mapped_ports.${part}`),
    ...(logPrefix ? { logPrefix: userLogPrefix(m.info, logPrefix) } : {}),
  };
}

function localhostFlow(
  m: ManagedContainer,
  p: PublishedPort,
  family: IpFamily,
  a: NetworkAttachment,
) {
  const self = addressOf(a, family);
  const gateway = gatewayOf(a, family);
  if (self === undefined || gateway === undefined) return [];
  const { localhost } = m.rules;
  const flow = inboundFlow(m, p, { family, self, peers: one(gateway) }, 'localhost');
  const expanded = localhost.allow ? expandAllow(flow, localhost.verdict) : expandDrop(flow);
  return [...expanded.forward, ...expanded.reply];
}

function externalFlow(
  m: ManagedContainer,
  p: PublishedPort,
  family: IpFamily,
  a: NetworkAttachment,
) {
  const self = addressOf(a, family);
  const { external } = m.rules;
  const ips = external.ips === undefined ? undefined : external.ips[family === 'ip' ? 'v4' : 'v6'];
  if (!external.allow || self === undefined || ips?.length === 0) return [];
  const flow = inboundFlow(m, p, { family, self, peers: ips }, 'external');
  const expanded = expandAllow(flow, external.verdict);
  return [...expanded.forward, ...expanded.reply];
}

/** Rules for the container's own chain. */
export function planMappedPorts(m: ManagedContainer): RuleSpec[] {
  const rules: RuleSpec[] = [];
  for (const p of publishedPorts(m.info.ports)) {
    for (const a of m.info.networks) {
      for (const family of ['ip', 'ip6'] as const) {
        rules.push(...localhostFlow(m, p, family, a), ...externalFlow(m, p, family, a));
      }
    }
  }
  return rules;
}

function loopbackFamilies(hostIp: string): IpFamily[] {
  if (hostIp === '') return ['ip', 'ip6'];
  if (hostIp === '0.0.0.0' || hostIp === '127.0.0.1') return ['ip'];
  if (hostIp === '::' || hostIp === '::1') return ['ip6'];
  return [];
}

/**
 * The order of the localhost drops of all containers: family, protocol, host port (as text, as
 * the keys always sorted), then comment. The kernel keeps them as set elements, which have no
 * order, so read-back sorts them the same way.
 */
export function compareLocalhostDrops(x: RuleSpec, y: RuleSpec): number {
  const key = (r: RuleSpec) => `${r.family ?? ''} ${r.proto ?? ''} ${r.dport?.[0]?.from ?? ''}`;
  return key(x).localeCompare(key(y)) || x.comment.localeCompare(y.comment);
}

/** Rules for the shared localhost chain: none when localhost access is allowed. */
export function planLocalhostDrops(m: ManagedContainer): RuleSpec[] {
  if (m.rules.localhost.allow) return [];
  const out = new Map<string, RuleSpec>();
  for (const b of m.info.ports) {
    if (b.proto === 'sctp') continue;
    const proto: L4Proto = b.proto;
    for (const family of loopbackFamilies(b.hostIp)) {
      const loopback = family === 'ip' ? '127.0.0.1' : '::1';
      const rule: RuleSpec = {
        comment: ruleComment(m.info, 'mapped_ports.localhost'),
        family,
        saddr: one(loopback),
        proto,
        dport: portList(b.hostPort),
        state: 'new',
        verdict: { kind: 'drop' },
      };
      out.set(`${family} ${proto} ${b.hostPort}`, rule);
    }
  }
  return [...out.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([, rule]) => rule);
}
