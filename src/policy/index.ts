/** The policy layer: pure planning of whalewall's nftables table and diffing of two plans. */
export { planRuleset, type PlanOptions } from './plan.ts';
export { diffRulesets, isEmptyChangeSet, canonicalJson } from './diff.ts';
export { containerChainName } from './names.ts';
export type {
  ChainSpec,
  ChangeSet,
  CtState,
  DesiredRuleset,
  IpFamily,
  L4Proto,
  ManagedContainer,
  MapElement,
  PolicyProblem,
  RuleSpec,
  RuleVerdict,
} from './ruleset.ts';
export { EMPTY_RULESET } from './ruleset.ts';
