/**
 * Turns one converge pass into per-container records for the state store: what was applied for
 * each container, its status and the reasons behind it.
 */
import type { ContainerInfo } from '../docker/types.ts';
import { isSameData } from '../policy/diff.ts';
import { containerChainName } from '../policy/names.ts';
import { ReuseMemo } from '../policy/reuse.ts';
import { rulesetSteps } from '../policy/assemble.ts';
import type { ChainSpec, DesiredRuleset, MapElement, PolicyProblem } from '../policy/ruleset.ts';
import type { ContainerRecord, StoredReason } from '../state/types.ts';
import type { Classified } from './classify.ts';

interface ChainRecordParts {
  readonly chain: ChainSpec;
  readonly elements: readonly MapElement[];
}

/**
 * Each chain of a ruleset with its map elements, by name. A ruleset the planner patched from one
 * whose index is known gets that index with only the patched chains replaced.
 */
const chainIndexes = new WeakMap<DesiredRuleset, Map<string, ChainRecordParts>>();

function indexChains(desired: DesiredRuleset): Map<string, ChainRecordParts> {
  const known = chainIndexes.get(desired);
  if (known !== undefined) return known;
  const step = rulesetSteps.get(desired);
  const from = step && chainIndexes.get(step.from);
  const index = from === undefined || step === undefined ? fullIndex(desired) : new Map(from);
  for (const s of from === undefined ? [] : (step?.chains ?? [])) {
    if (s.after === undefined) index.delete(s.name);
    else index.set(s.name, { chain: s.after, elements: s.elements });
  }
  chainIndexes.set(desired, index);
  return index;
}

function fullIndex(desired: DesiredRuleset): Map<string, ChainRecordParts> {
  const byChain = new Map<string, MapElement[]>();
  for (const element of desired.elements) {
    const list = byChain.get(element.chain) ?? [];
    list.push(element);
    byChain.set(element.chain, list);
  }
  return new Map(
    desired.chains.map((chain) => [chain.name, { chain, elements: byChain.get(chain.name) ?? [] }]),
  );
}

function problemsByContainer(problems: readonly PolicyProblem[]): Map<string, StoredReason[]> {
  const byId = new Map<string, StoredReason[]>();
  for (const p of problems) {
    const list = byId.get(p.containerId) ?? [];
    list.push({ code: p.code, message: p.message, label: 'whalewall.rules', path: p.path });
    byId.set(p.containerId, list);
  }
  return byId;
}

export interface PassResult {
  readonly classified: readonly Classified[];
  readonly desired: DesiredRuleset;
  readonly problems: readonly PolicyProblem[];
}

/**
 * `applied` text by chain object: plans reused between passes keep their chain objects, so most
 * records of a pass need no new JSON (1000 chains cost about 15 ms to serialise).
 */
const appliedTexts = new ReuseMemo<object>();

function appliedText(applied: {
  chain: ChainSpec | undefined;
  elements: readonly MapElement[];
}): string {
  if (applied.chain === undefined) return JSON.stringify(applied);
  const inputs = applied.elements.flatMap((e) => [e.family, e.addr, e.chain]);
  return appliedTexts.get(applied.chain, inputs, () => JSON.stringify(applied));
}

type RecordDraft = Omit<ContainerRecord, 'updatedAt'>;

function recordOf(
  info: ContainerInfo,
  status: ContainerRecord['status'],
  reasons: readonly StoredReason[],
  parts: ChainRecordParts | undefined,
): RecordDraft {
  const applied = { chain: parts?.chain, elements: parts?.elements ?? [] };
  return {
    id: info.id,
    name: info.name,
    status,
    reasons,
    addrs: applied.elements.map((e) => e.addr),
    ruleCount: applied.chain?.rules.length ?? 0,
    applied: appliedText(applied),
  };
}

/**
 * Drafts by ContainerInfo, kept while status, reasons, chain and elements are the same objects
 * (reasons as text): a pass hands the converger the very draft of the last pass for every
 * container whose plan and facts did not change, which it then need not compare.
 */
const drafts = new ReuseMemo<ContainerInfo>();

function draftOf(
  info: ContainerInfo,
  status: ContainerRecord['status'],
  reasons: readonly StoredReason[],
  parts: ChainRecordParts | undefined,
): RecordDraft {
  const reasonsText = reasons.length === 0 ? '' : JSON.stringify(reasons);
  const inputs = [status, reasonsText, parts?.chain, parts?.elements];
  return drafts.get(info, inputs, () => recordOf(info, status, reasons, parts));
}

/** One record per managed or unfilterable container, without its timestamp. */
export function recordsOf(pass: PassResult): RecordDraft[] {
  const chains = indexChains(pass.desired);
  const problems = problemsByContainer(pass.problems);
  const records: RecordDraft[] = [];
  for (const entry of pass.classified) {
    if (entry.kind === 'unmanaged') continue;
    if (entry.kind === 'unfilterable') {
      records.push(draftOf(entry.info, 'unfilterable', entry.reasons, undefined));
      continue;
    }
    const info = entry.container.info;
    const reasons = [...entry.reasons, ...(problems.get(info.id) ?? [])];
    const status = entry.container.quarantined || reasons.length > 0 ? 'quarantined' : 'enforced';
    records.push(draftOf(info, status, reasons, chains.get(containerChainName(info))));
  }
  return records;
}

/** True when two records differ in anything but their timestamp. */
export function hasRecordChanged(before: ContainerRecord | undefined, after: RecordDraft): boolean {
  if (before === undefined) return true;
  // Field by field: `applied` is already text, and most records of a pass are unchanged.
  return (
    before.name !== after.name ||
    before.status !== after.status ||
    before.ruleCount !== after.ruleCount ||
    before.applied !== after.applied ||
    !isSameData(before.addrs, after.addrs) ||
    JSON.stringify(before.reasons) !== JSON.stringify(after.reasons)
  );
}
