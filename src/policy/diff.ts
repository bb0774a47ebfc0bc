/**
 * diffRulesets: the changes that turn the applied ruleset into the desired one.
 *
 * Chains are compared by name and, when both exist, rule by rule; a chain whose rules differ is
 * replaced whole (flushed and refilled in the same transaction), which keeps the rendering simple
 * and the result exact. A map element whose address now belongs to another chain is deleted and
 * added again, so a reused address is never judged by a dead container's chain.
 */
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

export function isSameRules(x: readonly RuleSpec[], y: readonly RuleSpec[]): boolean {
  return canonicalJson(x) === canonicalJson(y);
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

export function diffRulesets(desired: DesiredRuleset, applied: DesiredRuleset): ChangeSet {
  const localhost = isSameRules(desired.localhost, applied.localhost)
    ? {}
    : { localhost: desired.localhost };
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
