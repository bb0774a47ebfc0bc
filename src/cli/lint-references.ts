/**
 * What a compose file alone can say about an output rule's references: a `container` that is
 * no service of the file, or a `network` the file does not declare. Both are warnings, since
 * the container or network may live in another project.
 */
import type { RulesConfig } from '../labels/model.ts';
import type { LabelProblem, Span } from '../labels/problem.ts';
import { locateSpan } from '../labels/problem.ts';

export interface ComposeNames {
  /** Service names and `container_name`s. */
  readonly containers: ReadonlySet<string>;
  /** Declared network keys and their `name`s, plus the implicit `default`. */
  readonly networks: ReadonlySet<string>;
}

type Warning = Omit<LabelProblem, 'label'>;

export function referenceWarnings(
  rules: RulesConfig,
  spans: ReadonlyMap<string, Span>,
  names: ComposeNames,
  text: string,
): Warning[] {
  const warnings: Warning[] = [];
  for (const rule of rules.output) {
    const container = rule.container?.replace(/^\//u, '');
    if (container !== undefined && !names.containers.has(container)) {
      const path = `${rule.path}.container`;
      const message = `container ${JSON.stringify(rule.container)} is no service of this file; fine if it runs in another project, otherwise check the name`;
      warnings.push(warning('WARN_LINT_CONTAINER', path, message, spans, text));
    }
    if (rule.network !== undefined && !names.networks.has(rule.network)) {
      const path = `${rule.path}.network`;
      const message = `network ${JSON.stringify(rule.network)} is not declared in this file; fine if it is external, otherwise declare it under "networks"`;
      warnings.push(warning('WARN_LINT_NETWORK', path, message, spans, text));
    }
  }
  return warnings;
}

function warning(
  code: LabelProblem['code'],
  path: string,
  message: string,
  spans: ReadonlyMap<string, Span>,
  text: string,
): Warning {
  const span = spans.get(path) ?? { offset: 0, length: 1 };
  return { code, severity: 'warning', path, ...locateSpan(text, span), message };
}
