/**
 * One converge pass: from the containers Docker runs to the kernel holding exactly what their
 * labels ask for. Plans the whole desired ruleset (pure, cheap), diffs it against what was
 * applied, applies the difference as one transaction, then records each container's outcome.
 *
 * Fail closed: when the kernel rejects a transaction, every container it touched is planned again
 * as deny-all and stays so until Docker reports something new about it. The kernel is read back
 * (not trusted from memory) at start, after every Docker resync and on the periodic reconcile.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerInfo } from '../docker/types.ts';
import { WhalewallError } from '../errors.ts';
import {
  EMPTY_RULESET,
  containerChainName,
  diffRulesets,
  isEmptyChangeSet,
  planRuleset,
  type ChangeSet,
  type DesiredRuleset,
} from '../policy/index.ts';
import type { ContainerRecord, StateStore, StoredReason } from '../state/types.ts';
import { classifyContainer, type Classified } from './classify.ts';
import { containerFields, type Logger } from './logger.ts';
import { hasRecordChanged, recordsOf, type PassResult } from './records.ts';

/** The part of the nftables engine a converge pass uses. */
export interface RuleApplier {
  apply(change: ChangeSet): Promise<void>;
  readApplied(): Promise<DesiredRuleset>;
}

export interface ConvergerDeps {
  readonly firewall: RuleApplier;
  readonly state: StateStore;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Chains of the operator's chains file, which `verdict.chain` may name. */
  readonly operatorChains?: readonly string[];
}

interface Failure {
  readonly fingerprint: string;
  readonly reason: StoredReason;
}

export class Converger {
  readonly #deps: ConvergerDeps;
  readonly #records = new Map<string, ContainerRecord>();
  /** The draft each record was last compared with; the same draft again needs no comparing. */
  readonly #drafts = new Map<string, object>();
  readonly #failures = new Map<string, Failure>();
  #applied: DesiredRuleset = EMPTY_RULESET;
  #kernelStale = true;

  constructor(deps: ConvergerDeps) {
    this.#deps = deps;
    for (const record of deps.state.listContainers()) this.#records.set(record.id, record);
  }

  /** The next pass reads the kernel's table back before diffing, repairing any drift. */
  markKernelStale(): void {
    this.#kernelStale = true;
  }

  async converge(infos: readonly ContainerInfo[]): Promise<void> {
    if (this.#kernelStale) {
      this.#applied = await this.#deps.firewall.readApplied();
      this.#kernelStale = false;
    }
    const started = performance.now();
    let pass = this.#plan(infos);
    const change = diffRulesets(pass.desired, this.#applied);
    if (isEmptyChangeSet(change)) {
      // Equal, so keep the planned objects: the next diff then finds reused chains by identity
      // instead of comparing every rule read back, and the read-back data can be freed.
      this.#applied = pass.desired;
    } else {
      pass = await this.#applyOrQuarantine(infos, pass, change);
    }
    this.#record(pass, performance.now() - started);
  }

  #plan(infos: readonly ContainerInfo[]): PassResult {
    const classified = infos.map((info) => classifyContainer(info, this.#stickyFailure(info)));
    const managed = classified.flatMap((c) => (c.kind === 'managed' ? [c.container] : []));
    const others = classified.flatMap((c) => (c.kind === 'managed' ? [] : [c.info]));
    const plan = { unmanaged: others, operatorChains: this.#deps.operatorChains ?? [] };
    const { desired, problems } = planRuleset(managed, plan);
    return { classified, desired, problems };
  }

  #stickyFailure(info: ContainerInfo): StoredReason | undefined {
    const failure = this.#failures.get(info.id);
    if (failure === undefined) return undefined;
    if (failure.fingerprint === JSON.stringify(info)) return failure.reason;
    this.#failures.delete(info.id);
    return undefined;
  }

  async #applyOrQuarantine(
    infos: readonly ContainerInfo[],
    pass: PassResult,
    change: ChangeSet,
  ): Promise<PassResult> {
    try {
      await this.#deps.firewall.apply(change);
      this.#applied = pass.desired;
      return pass;
    } catch (err) {
      if (!(err instanceof WhalewallError) || err.code !== 'ERR_NFT_APPLY') throw err;
      this.#quarantineTouched(pass.classified, change, err);
    }
    const fallback = this.#plan(infos);
    await this.#deps.firewall.apply(diffRulesets(fallback.desired, this.#applied));
    this.#applied = fallback.desired;
    return fallback;
  }

  #quarantineTouched(
    classified: readonly Classified[],
    change: ChangeSet,
    err: WhalewallError,
  ): void {
    const touched = new Set([
      ...change.addChains.map((c) => c.name),
      ...change.replaceChains.map((c) => c.name),
      ...change.addElements.map((e) => e.chain),
    ]);
    const reason: StoredReason = { code: err.code, message: err.message };
    for (const entry of classified) {
      if (entry.kind !== 'managed') continue;
      const info = entry.container.info;
      if (!touched.has(containerChainName(info))) continue;
      this.#failures.set(info.id, { fingerprint: JSON.stringify(info), reason });
    }
  }

  #record(pass: PassResult, ms: number): void {
    const at = (this.#deps.now?.() ?? new Date()).toISOString();
    const seen = new Set<string>();
    for (const draft of recordsOf(pass)) {
      seen.add(draft.id);
      if (this.#drafts.get(draft.id) === draft) continue;
      const before = this.#records.get(draft.id);
      if (hasRecordChanged(before, draft)) {
        const record: ContainerRecord = { ...draft, updatedAt: at };
        this.#deps.state.saveContainer(record, ms);
        this.#records.set(record.id, record);
        this.#logOutcome(before, record, ms);
      }
      this.#drafts.set(draft.id, draft);
    }
    // Every container seen now has a record, so equal counts mean none was released.
    if (seen.size === this.#records.size) return;
    for (const [id, record] of this.#records) {
      if (seen.has(id)) continue;
      this.#deps.state.removeContainer(id, at);
      this.#records.delete(id);
      this.#drafts.delete(id);
      this.#deps.logger.info(containerFields(id, record.name), 'container released');
    }
  }

  #logOutcome(before: ContainerRecord | undefined, record: ContainerRecord, ms: number): void {
    const fields = {
      ...containerFields(record.id, record.name),
      status: record.status,
      rules: record.ruleCount,
      addresses: record.addrs.length,
      ms: Math.round(ms * 100) / 100,
    };
    const log = this.#deps.logger;
    if (record.status === 'enforced') {
      log.info(fields, 'container enforced');
      return;
    }
    if (JSON.stringify(before?.reasons) === JSON.stringify(record.reasons)) {
      log.info(
        fields,
        record.status === 'quarantined' ? 'container quarantined' : 'container unfilterable',
      );
      return;
    }
    for (const reason of record.reasons) {
      const message =
        record.status === 'quarantined' ? 'container quarantined' : 'container unfilterable';
      log.warn({ ...fields, ...reason }, message);
    }
  }
}
