/**
 * Sorts what Docker reports into what the policy layer needs: which containers whalewall manages,
 * with which rules, and which of them are quarantined (denied everything) and why.
 */
import type { ContainerInfo } from '../docker/types.ts';
import { readContainerLabels, type ContainerLabels, type LabelProblem } from '../labels/index.ts';
import { DENY_ALL } from '../labels/model.ts';
import type { ManagedContainer } from '../policy/ruleset.ts';
import type { StoredReason } from '../state/types.ts';

export type Classified =
  | { readonly kind: 'unmanaged'; readonly info: ContainerInfo }
  | {
      readonly kind: 'unfilterable';
      readonly info: ContainerInfo;
      readonly reasons: readonly StoredReason[];
    }
  | {
      readonly kind: 'managed';
      readonly container: ManagedContainer;
      readonly reasons: readonly StoredReason[];
    };

export function reasonFromLabel(problem: LabelProblem): StoredReason {
  return {
    code: problem.code,
    message: problem.message,
    label: problem.label,
    path: problem.path,
    line: problem.line,
    column: problem.column,
  };
}

function hostNetworkReason(): StoredReason {
  return {
    code: 'WARN_HOST_NETWORK',
    message:
      'the container shares the host network namespace; its traffic never crosses a bridge ' +
      'and whalewall cannot filter it',
  };
}

/**
 * Parsed labels by the labels object Docker's facts carry. The facts keep one object per
 * container until it is inspected again, so each pass parses only what changed instead of every
 * container's YAML (about 0.1 ms each).
 */
const parsedLabels = new WeakMap<object, ContainerLabels>();

function readLabelsOnce(labels: ContainerInfo['labels']): ContainerLabels {
  const known = parsedLabels.get(labels);
  if (known !== undefined) return known;
  const parsed = readContainerLabels(labels);
  parsedLabels.set(labels, parsed);
  return parsed;
}

/**
 * `stickyFailure` holds containers whose rules the kernel rejected; they stay quarantined with
 * that reason until Docker reports something new about them.
 */
export function classifyContainer(info: ContainerInfo, stickyFailure?: StoredReason): Classified {
  const labels = readLabelsOnce(info.labels);
  if (labels.kind === 'unmanaged') return { kind: 'unmanaged', info };
  if (info.networkMode === 'host') {
    return { kind: 'unfilterable', info, reasons: [hostNetworkReason()] };
  }
  if (labels.kind === 'invalid') {
    const reasons = labels.problems.filter((p) => p.severity === 'error').map(reasonFromLabel);
    return { kind: 'managed', container: { info, rules: DENY_ALL, quarantined: true }, reasons };
  }
  if (stickyFailure !== undefined) {
    const container = { info, rules: DENY_ALL, quarantined: true };
    return { kind: 'managed', container, reasons: [stickyFailure] };
  }
  return {
    kind: 'managed',
    container: { info, rules: labels.rules, quarantined: false },
    reasons: [],
  };
}
