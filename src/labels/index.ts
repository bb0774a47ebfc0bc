/**
 * The label language: what other layers call to turn a container's labels into rules.
 * Parsing never throws; every problem comes back as data with its path, line and column.
 */
import type { LabelProblem } from './problem.ts';
import type { RulesConfig } from './model.ts';
import { DENY_ALL } from './model.ts';
import { parseEnabledLabel } from './enabled-label.ts';
import { analyseRulesLabel } from './rules-label.ts';

export type { LabelProblem, LabelName } from './problem.ts';
export { renderProblem } from './render-problem.ts';
export { analyseRulesLabel, type RulesAnalysis } from './rules-label.ts';

export const ENABLED_LABEL = 'whalewall.enabled';
export const RULES_LABEL = 'whalewall.rules';

export type ContainerLabels =
  | { readonly kind: 'unmanaged' }
  | { readonly kind: 'enabled'; readonly rules: RulesConfig }
  | { readonly kind: 'invalid'; readonly problems: readonly LabelProblem[] };

export type RulesParse =
  { ok: true; rules: RulesConfig } | { ok: false; problems: readonly LabelProblem[] };

export function parseRulesLabel(text: string): RulesParse {
  const analysis = analyseRulesLabel(text);
  if (analysis.rules !== undefined) return { ok: true, rules: analysis.rules };
  return { ok: false, problems: analysis.problems };
}

/**
 * Decides how whalewall treats a container. A `whalewall.enabled` value that is neither true nor
 * false, or invalid rules on an enabled container, give `invalid`: the daemon then denies the
 * container everything and logs the problems, instead of leaving it unfiltered.
 */
export function readContainerLabels(labels: Readonly<Record<string, string>>): ContainerLabels {
  const enabledText = Object.hasOwn(labels, ENABLED_LABEL) ? labels[ENABLED_LABEL] : undefined;
  if (typeof enabledText !== 'string') return { kind: 'unmanaged' };
  const enabled = parseEnabledLabel(enabledText);
  if (!enabled.ok) return { kind: 'invalid', problems: [enabled.problem] };
  if (!enabled.enabled) return { kind: 'unmanaged' };

  const rulesText = Object.hasOwn(labels, RULES_LABEL) ? labels[RULES_LABEL] : undefined;
  if (typeof rulesText !== 'string') return { kind: 'enabled', rules: DENY_ALL };
  const rules = parseRulesLabel(rulesText);
  return rules.ok
    ? { kind: 'enabled', rules: rules.rules }
    : { kind: 'invalid', problems: rules.problems };
}
