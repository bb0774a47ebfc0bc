/**
 * Compiles one `output` rule of a container into rules for its own chain and, for rules naming
 * a managed peer, reply rules for the peer's chain.
 *
 * One rule is made per network attachment and address family. An `ips` list without addresses
 * of a family yields no rule for that family; `icmp` exists only for IPv4 and `icmpv6` only for
 * IPv6. A peer that is running but not managed by whalewall has no chain, so its replies are
 * dispatched by destination to the referring container's chain, which then holds the reply rule.
 */
import type { ContainerInfo, NetworkAttachment } from '../docker/types.ts';
import type { AddrRange, OutputRule } from '../labels/model.ts';
import { expandAllow, type Flow, type RuleMatch } from './expand.ts';
import { containerChainName, ruleComment, userLogPrefix } from './names.ts';
import { candidatesNamed, findNetwork, findPeers, sharedAttachment } from './resolve.ts';
import type { IpFamily, ManagedContainer, PolicyProblem, RuleSpec } from './ruleset.ts';

export interface PlanEnv {
  /** Managed containers by full ID. */
  readonly managed: ReadonlyMap<string, ManagedContainer>;
  /** Every container a `container:` reference may name, managed or not, by name (indexCandidates). */
  readonly candidates: ReadonlyMap<string, readonly ContainerInfo[]>;
  /** Chains the operator loaded into whalewall's table, the only valid `chain` verdicts. */
  readonly operatorChains: ReadonlySet<string>;
}

export interface RulePlan {
  readonly own: RuleSpec[];
  /** Rules for other containers' chains, keyed by chain name. */
  readonly peers: Map<string, RuleSpec[]>;
  readonly problems: PolicyProblem[];
  /** True when the container must be denied everything because this rule cannot be resolved. */
  failClosed: boolean;
}

export function emptyPlan(): RulePlan {
  return { own: [], peers: new Map(), problems: [], failClosed: false };
}

const FAMILIES: readonly IpFamily[] = ['ip', 'ip6'];

export function addressOf(a: NetworkAttachment, family: IpFamily): string | undefined {
  return family === 'ip' ? a.ipv4 : a.ipv6;
}

export function one(addr: string): AddrRange[] {
  return [{ from: addr, to: addr }];
}

export function protoFits(proto: string | undefined, family: IpFamily): boolean {
  if (proto === 'icmp') return family === 'ip';
  if (proto === 'icmpv6') return family === 'ip6';
  return true;
}

/** The matches of an outbound flow from `self` to `other` (any address when undefined). */
function outboundMatches(
  rule: OutputRule,
  family: IpFamily,
  self: string,
  other: readonly AddrRange[] | undefined,
): { forward: RuleMatch; reply: RuleMatch } {
  const proto = rule.proto === undefined ? {} : { proto: rule.proto };
  const fwdPorts = {
    ...(rule.srcPorts === undefined ? {} : { sport: rule.srcPorts }),
    ...(rule.dstPorts === undefined ? {} : { dport: rule.dstPorts }),
  };
  const replyPorts = {
    ...(rule.dstPorts === undefined ? {} : { sport: rule.dstPorts }),
    ...(rule.srcPorts === undefined ? {} : { dport: rule.srcPorts }),
  };
  const remoteAsDst = other === undefined ? {} : { daddr: other };
  const remoteAsSrc = other === undefined ? {} : { saddr: other };
  return {
    forward: { family, saddr: one(self), ...remoteAsDst, ...proto, ...fwdPorts },
    reply: { family, ...remoteAsSrc, daddr: one(self), ...proto, ...replyPorts },
  };
}

function flowOf(
  m: ManagedContainer,
  rule: OutputRule,
  matches: ReturnType<typeof outboundMatches>,
) {
  const flow: Flow = {
    direction: 'outbound',
    ...matches,
    comment: ruleComment(m.info, rule.path),
    ...(rule.logPrefix ? { logPrefix: userLogPrefix(m.info, rule.logPrefix) } : {}),
  };
  return expandAllow(flow, rule.verdict);
}

function problem(m: ManagedContainer, rule: OutputRule, code: PolicyProblem['code'], msg: string) {
  return { code, containerId: m.info.id, path: rule.path, message: msg };
}

/** Rules towards addresses (`ips`) or any address, optionally limited to one network. */
function planToAddresses(m: ManagedContainer, rule: OutputRule, attachments: NetworkAttachment[]) {
  const plan = emptyPlan();
  for (const a of attachments) {
    for (const family of FAMILIES) {
      const self = addressOf(a, family);
      const ips = rule.ips === undefined ? undefined : family === 'ip' ? rule.ips.v4 : rule.ips.v6;
      if (self === undefined || !protoFits(rule.proto, family)) continue;
      if (ips !== undefined && ips.length === 0) continue;
      const expanded = flowOf(m, rule, outboundMatches(rule, family, self, ips));
      plan.own.push(...expanded.forward, ...expanded.reply);
    }
  }
  return plan;
}

function addPeerRules(plan: RulePlan, chain: string, rules: readonly RuleSpec[]): void {
  const list = plan.peers.get(chain) ?? [];
  list.push(...rules);
  plan.peers.set(chain, list);
}

/** Rules towards every running container named `rule.container` on the rule's network. */
function planToPeers(m: ManagedContainer, rule: OutputRule, a: NetworkAttachment, env: PlanEnv) {
  const plan = emptyPlan();
  const ref = rule.container ?? '';
  const peers = findPeers(m.info, ref, candidatesNamed(env.candidates, ref));
  for (const peer of peers) {
    const shared = sharedAttachment(peer, a);
    if (shared === undefined) {
      const msg = `container "${peer.name}" is not attached to network "${a.networkName}"`;
      plan.problems.push(problem(m, rule, 'ERR_RESOLVE_CONTAINER', msg));
      continue;
    }
    const managedPeer = env.managed.get(peer.id);
    for (const family of FAMILIES) {
      const self = addressOf(a, family);
      const other = addressOf(shared, family);
      if (self === undefined || other === undefined || !protoFits(rule.proto, family)) continue;
      const expanded = flowOf(m, rule, outboundMatches(rule, family, self, one(other)));
      plan.own.push(...expanded.forward);
      if (managedPeer === undefined) plan.own.push(...expanded.reply);
      else addPeerRules(plan, containerChainName(managedPeer.info), expanded.reply);
    }
  }
  return plan;
}

export function planOutputRule(m: ManagedContainer, rule: OutputRule, env: PlanEnv): RulePlan {
  if (rule.verdict.kind === 'chain' && !env.operatorChains.has(rule.verdict.chain)) {
    const msg = `chain "${rule.verdict.chain}" is not declared in the operator's chains file`;
    const failed = emptyPlan();
    failed.problems.push(problem(m, rule, 'ERR_RESOLVE_CHAIN', msg));
    failed.failClosed = true;
    return failed;
  }

  if (rule.network === undefined) return planToAddresses(m, rule, [...m.info.networks]);
  const attachment = findNetwork(m.info, rule.network);
  if (attachment === undefined) {
    const msg = `network "${rule.network}" is not one of the container's networks`;
    const failed = emptyPlan();
    failed.problems.push(problem(m, rule, 'ERR_RESOLVE_NETWORK', msg));
    failed.failClosed = true;
    return failed;
  }
  if (rule.container !== undefined) return planToPeers(m, rule, attachment, env);
  return planToAddresses(m, rule, [attachment]);
}
