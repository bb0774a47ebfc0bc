/**
 * Turns one allowed flow into the rules that let it through (reference §2.5).
 *
 * A flow is described twice: as its packets in the rule's own direction (`forward`) and as the
 * replies (`reply`, ports swapped). New and established packets in the own direction go into the
 * chain that judges the sender; replies go into the chain that judges the replier, which is a peer
 * container's chain for container-to-container rules and the same chain otherwise.
 */
import type { Verdict } from '../labels/model.ts';
import type { CtState, RuleSpec, RuleVerdict } from './ruleset.ts';

export type RuleMatch = Omit<RuleSpec, 'comment' | 'state' | 'logPrefix' | 'verdict'>;

export interface Flow {
  /** `inbound` when the flow is opened towards the container. */
  readonly direction: 'inbound' | 'outbound';
  readonly forward: RuleMatch;
  readonly reply: RuleMatch;
  readonly comment: string;
  /** Already formatted with the container part. */
  readonly logPrefix?: string;
}

export interface ExpandedFlow {
  readonly forward: readonly RuleSpec[];
  readonly reply: readonly RuleSpec[];
}

function rule(
  match: RuleMatch,
  state: CtState,
  verdict: RuleVerdict,
  extra: { comment: string; logPrefix?: string | undefined },
): RuleSpec {
  const logged = extra.logPrefix === undefined ? {} : { logPrefix: extra.logPrefix };
  return { comment: extra.comment, ...match, state, ...logged, verdict };
}

/** A flow that is refused: only its first packet is matched, logged if asked, and dropped. */
export function expandDrop(flow: Flow): ExpandedFlow {
  const forward = rule(flow.forward, 'new', { kind: 'drop' }, flow);
  return { forward: [forward], reply: [] };
}

function queueOr(num: number | undefined): RuleVerdict {
  return num === undefined || num === 0 ? { kind: 'accept' } : { kind: 'queue', num };
}

/** A flow that is allowed with `verdict`. */
export function expandAllow(flow: Flow, verdict: Verdict): ExpandedFlow {
  const comment = flow.comment;
  if (verdict.kind !== 'queue') {
    const v: RuleVerdict =
      verdict.kind === 'chain' ? { kind: 'jump', chain: verdict.chain } : { kind: 'accept' };
    const reply = [rule(flow.reply, 'established', v, { comment })];
    if (flow.logPrefix === undefined) {
      return { forward: [rule(flow.forward, 'new,established', v, { comment })], reply };
    }
    const first = rule(flow.forward, 'new', v, flow);
    return { forward: [first, rule(flow.forward, 'established', v, { comment })], reply };
  }

  // Established packets of the sender and of the replier may go to different queues.
  const inbound = flow.direction === 'inbound';
  const ownEst = inbound ? verdict.inputEstQueue : verdict.outputEstQueue;
  const replyEst = inbound ? verdict.outputEstQueue : verdict.inputEstQueue;
  const newVerdict: RuleVerdict = { kind: 'queue', num: verdict.queue };
  const reply = [rule(flow.reply, 'established', queueOr(replyEst), { comment })];
  if (flow.logPrefix === undefined && ownEst === verdict.queue) {
    return { forward: [rule(flow.forward, 'new,established', newVerdict, { comment })], reply };
  }
  const first = rule(flow.forward, 'new', newVerdict, flow);
  const est = rule(flow.forward, 'established', queueOr(ownEst), { comment });
  return { forward: [first, est], reply };
}
