/**
 * An in-memory stand-in for the nftables engine, for unit tests of the daemon's logic: it applies
 * change sets to a ruleset the way the kernel would, and can be told to reject the next ones.
 * Whether the real kernel does the same is proven by the nft layer's own tests.
 */
import { WhalewallError } from '../errors.ts';
import { EMPTY_RULESET, type ChangeSet, type DesiredRuleset } from '../policy/index.ts';

export class FakeKernel {
  ruleset: DesiredRuleset = EMPTY_RULESET;
  readonly applied: ChangeSet[] = [];
  readonly operatorChains: readonly string[] = [];
  /** Rejects a change set when this returns a reason. */
  reject: (change: ChangeSet) => string | undefined = () => undefined;

  ensureBase(): Promise<void> {
    return Promise.resolve();
  }

  apply(change: ChangeSet): Promise<void> {
    const reason = this.reject(change);
    if (reason !== undefined) {
      return Promise.reject(new WhalewallError('ERR_NFT_APPLY', reason));
    }
    this.applied.push(change);
    this.ruleset = applyChange(this.ruleset, change);
    return Promise.resolve();
  }

  readApplied(): Promise<DesiredRuleset> {
    return Promise.resolve(this.ruleset);
  }
}

function applyChange(ruleset: DesiredRuleset, change: ChangeSet): DesiredRuleset {
  const chains = new Map(ruleset.chains.map((c) => [c.name, c]));
  for (const name of change.deleteChains) chains.delete(name);
  for (const chain of [...change.addChains, ...change.replaceChains]) chains.set(chain.name, chain);

  const key = (e: { family: string; addr: string }): string => `${e.family} ${e.addr}`;
  const elements = new Map(ruleset.elements.map((e) => [key(e), e]));
  for (const e of change.deleteElements) elements.delete(key(e));
  for (const e of change.addElements) elements.set(key(e), e);

  return {
    chains: [...chains.values()].sort((a, b) => a.name.localeCompare(b.name)),
    localhost: change.localhost ?? ruleset.localhost,
    elements: [...elements.values()],
  };
}
