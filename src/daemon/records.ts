/**
 * Turns one converge pass into per-container records for the state store: what was applied for
 * each container, its status and the reasons behind it.
 */
import type { ContainerInfo } from '../docker/types.ts';
import { isSameData } from '../policy/diff.ts';
import { containerChainName } from '../policy/names.ts';
import { ReuseMemo } from '../policy/reuse.ts';
import type { DesiredRuleset, MapElement, PolicyProblem } from '../policy/ruleset.ts';
import type { ContainerRecord, StoredReason } from '../state/types.ts';
import type { Classified } from './classify.ts';

function elementsByChain(desired: DesiredRuleset): Map<string, MapElement[]> {
  const byChain = new Map<string, MapElement[]>();
  for (const element of desired.elements) {
    const list = byChain.get(element.chain) ?? [];
    list.push(element);
    byChain.set(element.chain, list);
  }
  return byChain;
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
  chain: DesiredRuleset['chains'][number] | undefined;
  elements: MapElement[];
}): string {
  if (applied.chain === undefined) return JSON.stringify(applied);
  const inputs = applied.elements.flatMap((e) => [e.family, e.addr, e.chain]);
  return appliedTexts.get(applied.chain, inputs, () => JSON.stringify(applied));
}

function recordOf(
  info: ContainerInfo,
  status: ContainerRecord['status'],
  reasons: readonly StoredReason[],
  applied: { chain: DesiredRuleset['chains'][number] | undefined; elements: MapElement[] },
): Omit<ContainerRecord, 'updatedAt'> {
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

/** One record per managed or unfilterable container, without its timestamp. */
export function recordsOf(pass: PassResult): Omit<ContainerRecord, 'updatedAt'>[] {
  const chains = new Map(pass.desired.chains.map((c) => [c.name, c]));
  const elements = elementsByChain(pass.desired);
  const problems = problemsByContainer(pass.problems);
  const records: Omit<ContainerRecord, 'updatedAt'>[] = [];
  for (const entry of pass.classified) {
    if (entry.kind === 'unmanaged') continue;
    if (entry.kind === 'unfilterable') {
      records.push(
        recordOf(entry.info, 'unfilterable', entry.reasons, { chain: undefined, elements: [] }),
      );
      continue;
    }
    const info = entry.container.info;
    const name = containerChainName(info);
    const reasons = [...entry.reasons, ...(problems.get(info.id) ?? [])];
    const status = entry.container.quarantined || reasons.length > 0 ? 'quarantined' : 'enforced';
    const applied = { chain: chains.get(name), elements: elements.get(name) ?? [] };
    records.push(recordOf(info, status, reasons, applied));
  }
  return records;
}

/** True when two records differ in anything but their timestamp. */
export function hasRecordChanged(
  before: ContainerRecord | undefined,
  after: Omit<ContainerRecord, 'updatedAt'>,
): boolean {
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
