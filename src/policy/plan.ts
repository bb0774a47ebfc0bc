/**
 * planRuleset: managed containers and their rule configs → the desired content of whalewall's
 * table. Pure and deterministic: the same containers in any order give an identical result.
 *
 * Each managed container with at least one address gets a chain, top to bottom:
 * mapped-port rules, its output rules in label order, reply rules other containers' output rules
 * put there (ordered by the contributing chain's name), and a logged drop. Each of its addresses
 * maps to the chain in the IPv4 or IPv6 dispatch map.
 *
 * Fail closed: a quarantined container, or one with a rule naming a network it is not attached
 * to or a chain the operator did not declare, gets the chain of a container without rules (deny
 * all; published ports closed to the host) and receives no rules from other containers.
 * A `container:` reference to a container that is not running yields no rule until it runs. A
 * reference to a running container without whalewall is honoured: that container has no chain,
 * so its replies are judged by the referring container's chain, which gets the reply rule.
 * A peer found but not attached to the rule's network yields a problem and no rule; the other
 * rules stay, since a missing allow rule can only deny more.
 */
import type { ContainerInfo } from '../docker/types.ts';
import { DENY_ALL } from '../labels/model.ts';
import { assembleRuleset, type ContainerPlan } from './assemble.ts';
import { containerChainName } from './names.ts';
import { planLocalhostDrops, planMappedPorts } from './plan-mapped-ports.ts';
import { emptyPlan, planOutputRule, type PlanEnv, type RulePlan } from './plan-output.ts';
import { candidatesNamed, indexCandidates } from './resolve.ts';
import { ReuseMemo } from './reuse.ts';
import type { DesiredRuleset, ManagedContainer, PolicyProblem } from './ruleset.ts';

export { compareElements } from './assemble.ts';

export interface PlanOptions {
  /** Running containers without whalewall; `container:` references may name them. */
  readonly unmanaged?: readonly ContainerInfo[];
  /** Chains loaded from the operator's chains file; `verdict.chain` must name one of them. */
  readonly operatorChains?: readonly string[];
}

function hasAddress(info: ContainerInfo): boolean {
  return info.networks.some((n) => n.ipv4 !== undefined || n.ipv6 !== undefined);
}

function planRules(m: ManagedContainer, env: PlanEnv): RulePlan {
  const plan = emptyPlan();
  plan.own.push(...planMappedPorts(m));
  for (const rule of m.rules.output) {
    const part = planOutputRule(m, rule, env);
    plan.own.push(...part.own);
    plan.problems.push(...part.problems);
    plan.failClosed ||= part.failClosed;
    for (const [chain, rules] of part.peers)
      plan.peers.set(chain, [...(plan.peers.get(chain) ?? []), ...rules]);
  }
  return plan;
}

const containerPlans = new ReuseMemo<ContainerInfo>();

/**
 * Everything a container's plan depends on besides its ContainerInfo: its rules, quarantine,
 * the operator's chains, and each container its `container:` references may name (with whether
 * whalewall manages it, which decides where reply rules go).
 */
function planInputs(m: ManagedContainer, env: PlanEnv, operatorKey: string): unknown[] {
  const inputs: unknown[] = [m.rules, m.quarantined, operatorKey];
  for (const rule of m.rules.output) {
    if (rule.container === undefined) continue;
    const named = candidatesNamed(env.candidates, rule.container);
    inputs.push(named.length);
    for (const peer of named) inputs.push(peer, env.managed.has(peer.id));
  }
  return inputs;
}

function reusePlan(m: ManagedContainer, env: PlanEnv, operatorKey: string): ContainerPlan {
  const inputs = planInputs(m, env, operatorKey);
  return containerPlans.get(m.info, inputs, () => planContainer(m, env));
}

function planContainer(m: ManagedContainer, env: PlanEnv): ContainerPlan {
  const chain = containerChainName(m.info);
  const denied: ManagedContainer = { ...m, rules: DENY_ALL };
  if (m.quarantined) {
    const rules = planRules(denied, env);
    return { m, chain, rules, localhost: planLocalhostDrops(denied), denyAll: true };
  }
  const rules = planRules(m, env);
  if (!rules.failClosed) {
    return { m, chain, rules, localhost: planLocalhostDrops(m), denyAll: false };
  }
  const closed = { ...planRules(denied, env), problems: rules.problems };
  return { m, chain, rules: closed, localhost: planLocalhostDrops(denied), denyAll: true };
}

function hostNetworkProblem(m: ManagedContainer): PolicyProblem {
  const message = 'the container uses the host network, which whalewall cannot filter';
  return { code: 'WARN_HOST_NETWORK', containerId: m.info.id, path: '', message };
}

export function planRuleset(
  containers: readonly ManagedContainer[],
  options: PlanOptions = {},
): { desired: DesiredRuleset; problems: readonly PolicyProblem[] } {
  const sorted = [...containers].sort((x, y) => x.info.id.localeCompare(y.info.id));
  const env: PlanEnv = {
    managed: new Map(sorted.map((m) => [m.info.id, m])),
    candidates: indexCandidates([...sorted.map((m) => m.info), ...(options.unmanaged ?? [])]),
    operatorChains: new Set(options.operatorChains ?? []),
  };
  const problems = sorted.filter((m) => m.info.networkMode === 'host').map(hostNetworkProblem);
  const operatorKey = [...env.operatorChains].sort().join('\n');
  const plans = sorted.filter((m) => hasAddress(m.info)).map((m) => reusePlan(m, env, operatorKey));

  problems.push(...plans.flatMap((p) => p.rules.problems));
  return { desired: assembleRuleset(plans), problems };
}
