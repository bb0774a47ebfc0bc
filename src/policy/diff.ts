/**
 * diffRulesets: the changes that turn the applied ruleset into the desired one.
 *
 * Chains are compared by name and, when both exist, rule by rule; a chain whose rules differ is
 * replaced whole (flushed and refilled in the same transaction), which keeps the rendering simple
 * and the result exact. A map element whose address now belongs to another chain is deleted and
 * added again, so a reused address is never judged by a dead container's chain.
 */
import { rulesetSteps, type RulesetStep } from './assemble.ts';
import type { ChainSpec, ChangeSet, DesiredRuleset, MapElement, RuleSpec } from './ruleset.ts';

/** JSON with object keys sorted, so equal data gives equal text whatever its key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries);
  });
}

/**
 * Deep equality of plain JSON data, object keys in any order: the same answer as comparing
 * canonicalJson texts, without building them (a pass over 1000 containers' chains compares
 * about 17,000 rules, and the texts cost over 100 ms there).
 */
export function isSameData(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((v, i) => isSameData(v, y[i]));
  }
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && isSameData(a[k], b[k]));
}

export function isSameRules(x: readonly RuleSpec[], y: readonly RuleSpec[]): boolean {
  return isSameData(x, y);
}

function elementKey(e: MapElement): string {
  return `${e.family} ${e.addr}`;
}

function diffChains(desired: readonly ChainSpec[], applied: readonly ChainSpec[]) {
  const before = new Map(applied.map((c) => [c.name, c]));
  const after = new Set(desired.map((c) => c.name));
  const addChains = desired.filter((c) => !before.has(c.name));
  const replaceChains = desired.filter((c) => {
    const old = before.get(c.name);
    return old !== undefined && !isSameRules(old.rules, c.rules);
  });
  const deleteChains = applied.filter((c) => !after.has(c.name)).map((c) => c.name);
  return { addChains, replaceChains, deleteChains };
}

function diffElements(desired: readonly MapElement[], applied: readonly MapElement[]) {
  const before = new Map(applied.map((e) => [elementKey(e), e]));
  const after = new Map(desired.map((e) => [elementKey(e), e]));
  const changed = (e: MapElement, other: Map<string, MapElement>) =>
    other.get(elementKey(e))?.chain !== e.chain;
  return {
    deleteElements: applied.filter((e) => changed(e, after)),
    addElements: desired.filter((e) => changed(e, before)),
  };
}

/**
 * Rules of `x` that `y` lacks. The same object counts as present (plans reused between passes
 * share them); the rest are compared as JSON text (planner and read-back write keys alike).
 */
function missingFrom(x: readonly RuleSpec[], y: readonly RuleSpec[]): RuleSpec[] {
  const inY = new Set<RuleSpec>(y);
  const inX = new Set<RuleSpec>(x);
  const rest = x.filter((r) => !inY.has(r));
  if (rest.length === 0) return [];
  const present = new Set(y.filter((r) => !inX.has(r)).map((r) => JSON.stringify(r)));
  return rest.filter((r) => !present.has(JSON.stringify(r)));
}

function diffLocalhost(desired: readonly RuleSpec[], applied: readonly RuleSpec[]) {
  if (desired === applied) return {};
  if (isSameRules(desired, applied)) return {};
  const localhostDelete = missingFrom(applied, desired);
  const localhostAdd = missingFrom(desired, applied);
  return { localhost: desired, localhostDelete, localhostAdd };
}

/** The same changes as a full diff, from the chains and elements the planner patched. */
function diffStep(step: RulesetStep, desired: DesiredRuleset): ChangeSet {
  const addChains: ChainSpec[] = [];
  const replaceChains: ChainSpec[] = [];
  const deleteChains: string[] = [];
  for (const { name, before, after } of step.chains) {
    if (before === undefined && after !== undefined) addChains.push(after);
    if (before !== undefined && after === undefined) deleteChains.push(name);
    if (before !== undefined && after !== undefined && !isSameRules(before.rules, after.rules))
      replaceChains.push(after);
  }
  return {
    addChains,
    replaceChains,
    deleteChains,
    ...diffLocalhost(desired.localhost, step.from.localhost),
    deleteElements: step.deleteElements,
    addElements: step.addElements,
  };
}

/**
 * When the planner patched `desired` from `applied` (the usual pass: applied is the last plan),
 * only the chains and elements it touched are compared; otherwise everything is.
 */
export function diffRulesets(desired: DesiredRuleset, applied: DesiredRuleset): ChangeSet {
  const step = rulesetSteps.get(desired);
  if (step?.from === applied) return diffStep(step, desired);
  const localhost = diffLocalhost(desired.localhost, applied.localhost);
  return {
    ...diffChains(desired.chains, applied.chains),
    ...localhost,
    ...diffElements(desired.elements, applied.elements),
  };
}

export function isEmptyChangeSet(c: ChangeSet): boolean {
  return (
    c.addChains.length === 0 &&
    c.replaceChains.length === 0 &&
    c.deleteChains.length === 0 &&
    c.localhost === undefined &&
    c.deleteElements.length === 0 &&
    c.addElements.length === 0
  );
}
