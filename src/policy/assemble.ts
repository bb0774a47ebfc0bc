/**
 * Assembles containers' plans into the desired ruleset: sorted chains with the reply rules other
 * containers put there, sorted map elements, sorted localhost drops.
 *
 * A pass usually changes one container among a thousand, so the last assembly is kept and
 * patched: only plans that are new or gone since then, and the chains they send rules to, are
 * looked at. The result is the one a full assembly gives; whenever patching could differ
 * (two plans sharing a chain name, an address or a sort position, or many changed plans) the
 * ruleset is assembled in full. Each patched ruleset also records the change set that leads to
 * it from the previous one, so diffRulesets need not compare all 2000 elements again.
 */
import { dropLogPrefix, ruleComment } from './names.ts';
import { compareLocalhostDrops } from './plan-mapped-ports.ts';
import type { RulePlan } from './plan-output.ts';
import { ReuseMemo } from './reuse.ts';
import type {
  ChainSpec,
  DesiredRuleset,
  ManagedContainer,
  MapElement,
  RuleSpec,
} from './ruleset.ts';

export interface ContainerPlan {
  readonly m: ManagedContainer;
  readonly chain: string;
  readonly rules: RulePlan;
  readonly localhost: readonly RuleSpec[];
  readonly denyAll: boolean;
}

/** What turns `from` into the ruleset it is recorded for; see diffRulesets. */
export interface RulesetStep {
  readonly from: DesiredRuleset;
  /** Chains that may differ, sorted by name: content before and after, elements after. */
  readonly chains: readonly ChainStep[];
  readonly deleteElements: readonly MapElement[];
  readonly addElements: readonly MapElement[];
}

export interface ChainStep {
  readonly name: string;
  readonly before?: ChainSpec;
  readonly after?: ChainSpec;
  /** The chain's map elements in the new ruleset, sorted. */
  readonly elements: readonly MapElement[];
}

export const rulesetSteps = new WeakMap<DesiredRuleset, RulesetStep>();

/** The largest number of new or gone plans a pass patches; more are assembled in full. */
const MAX_PATCHED = 16;

const assembledChains = new ReuseMemo<ContainerPlan>();
const planElements = new ReuseMemo<ContainerPlan>();

interface Assembly {
  readonly plans: Set<ContainerPlan>;
  readonly byChain: Map<string, ContainerPlan>;
  /** Plans sending reply rules to a chain, by that chain's name. */
  readonly senders: Map<string, Set<ContainerPlan>>;
  readonly chains: Map<string, ChainSpec>;
  readonly elements: Map<string, MapElement>;
  desired: DesiredRuleset;
}

let last: Assembly | undefined;

function finalDrop(m: ManagedContainer): RuleSpec {
  return {
    comment: ruleComment(m.info, 'drop'),
    logPrefix: dropLogPrefix(m.info),
    verdict: { kind: 'drop' },
  };
}

function compareChains(x: ChainSpec, y: ChainSpec): number {
  return x.name.localeCompare(y.name);
}

export function compareElements(x: MapElement, y: MapElement): number {
  return x.family.localeCompare(y.family) || x.addr.localeCompare(y.addr);
}

function elementKey(e: MapElement): string {
  return `${e.family} ${e.addr}`;
}

function elementsOf(p: ContainerPlan): readonly MapElement[] {
  return planElements.get(p, [], () =>
    p.m.info.networks.flatMap((n) => {
      const found: MapElement[] = [];
      if (n.ipv4 !== undefined) found.push({ family: 'ip', addr: n.ipv4, chain: p.chain });
      if (n.ipv6 !== undefined) found.push({ family: 'ip6', addr: n.ipv6, chain: p.chain });
      return found;
    }),
  );
}

/** The chain of `p` with the rules its senders put there, ordered by the sender's chain. */
function chainOf(p: ContainerPlan, senders: readonly ContainerPlan[]): ChainSpec {
  const got = p.denyAll
    ? []
    : [...senders]
        .sort((x, y) => x.chain.localeCompare(y.chain))
        .flatMap((s) => s.rules.peers.get(p.chain) ?? []);
  return assembledChains.get(p, got, () => ({
    name: p.chain,
    rules: [...p.rules.own, ...got, finalDrop(p.m)],
  }));
}

function addSender(senders: Map<string, Set<ContainerPlan>>, p: ContainerPlan): void {
  for (const target of p.rules.peers.keys()) {
    const set = senders.get(target) ?? new Set();
    set.add(p);
    senders.set(target, set);
  }
}

/** Everything anew; no kept assembly when chain names or addresses are shared. */
function assembleFully(plans: readonly ContainerPlan[]): DesiredRuleset {
  const byChain = new Map(plans.map((p) => [p.chain, p]));
  const senders = new Map<string, Set<ContainerPlan>>();
  for (const p of plans) addSender(senders, p);
  const chains = new Map<string, ChainSpec>();
  for (const p of byChain.values()) {
    chains.set(p.chain, chainOf(p, [...(senders.get(p.chain) ?? [])]));
  }
  const elements = new Map<string, MapElement>();
  let shared = byChain.size !== plans.length;
  for (const e of plans.flatMap(elementsOf)) {
    if (elements.has(elementKey(e))) shared = true;
    else elements.set(elementKey(e), e);
  }
  const desired: DesiredRuleset = {
    chains: [...chains.values()].sort(compareChains),
    localhost: plans.flatMap((p) => p.localhost).sort(compareLocalhostDrops),
    elements: [...elements.values()].sort(compareElements),
  };
  last = shared
    ? undefined
    : { plans: new Set(plans), byChain, senders, chains, elements, desired };
  return desired;
}

/** Where `item` goes in `sorted`; undefined when an equal item is there already. */
function insertionIndex<T>(sorted: readonly T[], item: T, compare: (x: T, y: T) => number) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(sorted[mid] as T, item);
    if (c === 0) return undefined;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `sorted` without `gone`, with `added` in their places; undefined on a tie. */
function patchSorted<T>(
  sorted: readonly T[],
  gone: ReadonlySet<T>,
  added: readonly T[],
  compare: (x: T, y: T) => number,
): T[] | undefined {
  const out = gone.size === 0 ? [...sorted] : sorted.filter((x) => !gone.has(x));
  for (const item of added) {
    const at = insertionIndex(out, item, compare);
    if (at === undefined) return undefined;
    out.splice(at, 0, item);
  }
  return out;
}

interface PlanChange {
  readonly added: readonly ContainerPlan[];
  readonly removed: readonly ContainerPlan[];
}

function changedPlans(a: Assembly, plans: readonly ContainerPlan[]): PlanChange | undefined {
  const now = new Set(plans);
  if (now.size !== plans.length) return undefined;
  const added = plans.filter((p) => !a.plans.has(p));
  if (added.length > MAX_PATCHED) return undefined;
  const removed: ContainerPlan[] = [];
  if (a.plans.size - (plans.length - added.length) > MAX_PATCHED) return undefined;
  for (const p of a.plans) if (!now.has(p)) removed.push(p);
  return { added, removed };
}

/** False when an added plan shares a chain name or an address with a plan that stays. */
function isPatchable(a: Assembly, { added, removed }: PlanChange): boolean {
  const gone = new Set(removed);
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const p of added) {
    const holder = a.byChain.get(p.chain);
    if (names.has(p.chain) || (holder !== undefined && !gone.has(holder))) return false;
    names.add(p.chain);
    for (const e of elementsOf(p)) {
      const key = elementKey(e);
      const owner = a.elements.get(key);
      const holder = owner && a.byChain.get(owner.chain);
      if (keys.has(key) || (holder !== undefined && !gone.has(holder))) return false;
      keys.add(key);
    }
  }
  return true;
}

function patchElements(a: Assembly, { added, removed }: PlanChange) {
  const before = new Map(removed.flatMap(elementsOf).map((e) => [elementKey(e), e]));
  for (const key of before.keys()) a.elements.delete(key);
  const fresh = added.flatMap(elementsOf);
  for (const e of fresh) a.elements.set(elementKey(e), e);
  const moved = (e: MapElement, other: Map<string, MapElement>) =>
    other.get(elementKey(e))?.chain !== e.chain;
  return {
    gone: new Set(before.values()),
    fresh,
    deleteElements: [...before.values()].filter((e) => moved(e, a.elements)).sort(compareElements),
    addElements: fresh.filter((e) => moved(e, before)).sort(compareElements),
  };
}

function patchChains(a: Assembly, { added, removed }: PlanChange): ChainStep[] {
  const touched = new Set<string>();
  for (const p of [...removed, ...added]) {
    touched.add(p.chain);
    for (const target of p.rules.peers.keys()) touched.add(target);
  }
  for (const p of removed) {
    a.plans.delete(p);
    a.byChain.delete(p.chain);
    for (const target of p.rules.peers.keys()) a.senders.get(target)?.delete(p);
  }
  for (const p of added) {
    a.plans.add(p);
    a.byChain.set(p.chain, p);
    addSender(a.senders, p);
  }
  const steps = [...touched]
    .sort((x, y) => x.localeCompare(y))
    .map((name) => {
      const before = a.chains.get(name);
      const p = a.byChain.get(name);
      const after = p && chainOf(p, [...(a.senders.get(name) ?? [])]);
      if (after === undefined) a.chains.delete(name);
      else a.chains.set(name, after);
      const elements = p === undefined ? [] : [...elementsOf(p)].sort(compareElements);
      return { name, ...(before && { before }), ...(after && { after }), elements };
    });
  return steps;
}

function patch(a: Assembly, change: PlanChange): DesiredRuleset | undefined {
  const from = a.desired;
  const localhostGone = new Set(change.removed.flatMap((p) => p.localhost));
  const localhostAdded = change.added.flatMap((p) => p.localhost);
  const localhost =
    localhostGone.size === 0 && localhostAdded.length === 0
      ? from.localhost
      : patchSorted(from.localhost, localhostGone, localhostAdded, compareLocalhostDrops);
  if (localhost === undefined) return undefined;

  const steps = patchChains(a, change);
  const gone = new Set(steps.flatMap((s) => (s.before === undefined ? [] : [s.before])));
  const fresh = steps.flatMap((s) => (s.after === undefined ? [] : [s.after]));
  const chains = patchSorted(from.chains, gone, fresh, compareChains);
  const elements = patchElements(a, change);
  const elementList = patchSorted(from.elements, elements.gone, elements.fresh, compareElements);
  if (chains === undefined || elementList === undefined) return undefined;

  const desired: DesiredRuleset = { chains, localhost, elements: elementList };
  const { deleteElements, addElements } = elements;
  rulesetSteps.set(desired, { from, chains: steps, deleteElements, addElements });
  a.desired = desired;
  return desired;
}

/** The ruleset of `plans` (sorted by container ID), patched from the last one where possible. */
export function assembleRuleset(plans: readonly ContainerPlan[]): DesiredRuleset {
  const a = last;
  const change = a && changedPlans(a, plans);
  if (a === undefined || change === undefined || !isPatchable(a, change)) {
    return assembleFully(plans);
  }
  if (change.added.length === 0 && change.removed.length === 0) return a.desired;
  last = undefined;
  const desired = patch(a, change);
  if (desired === undefined) return assembleFully(plans);
  last = a;
  return desired;
}
