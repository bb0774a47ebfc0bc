/**
 * `verdict` of an output rule or of `mapped_ports.*`, validated by the same rules in both places
 * (the original checked only output rules) and resolved to one of accept, chain or queue.
 */
import { isMap } from 'yaml';
import type { Verdict } from './model.ts';
import { report, spanOf, type ReadContext } from './problem.ts';
import { INVALID, readQueue, readString, valid, type Read } from './scalars.ts';
import { describeNode, isNullNode, readFields, type MapField } from './yaml-nodes.ts';

const VERDICT_KEYS = ['chain', 'queue', 'input_est_queue', 'output_est_queue'] as const;

/** nftables keeps chain names in 256 bytes, the terminating NUL included. */
const CHAIN_NAME_MAX_BYTES = 255;

const ACCEPT: Verdict = { kind: 'accept' };

export function readVerdict(ctx: ReadContext, field: MapField | undefined): Read<Verdict> {
  if (field === undefined || isNullNode(field.value)) return undefined;
  if (!isMap(field.value)) {
    const message = `"${field.path}" must be a map with ${VERDICT_KEYS.join(', ')}, got ${describeNode(field.value)}`;
    report(ctx, { code: 'ERR_LABEL_TYPE', path: field.path, at: spanOf(field.value), message });
    return INVALID;
  }
  const fields = readFields(ctx, field.value, { path: field.path, known: VERDICT_KEYS });
  const chain = readChain(ctx, fields.get('chain'));
  const queue = readQueue(ctx, fields.get('queue'));
  const inputEst = readQueue(ctx, fields.get('input_est_queue'));
  const outputEst = readQueue(ctx, fields.get('output_est_queue'));
  const conflicts = checkVerdict(ctx, fields, { chain, queue, inputEst, outputEst });
  if (conflicts || [chain, queue, inputEst, outputEst].includes(INVALID)) return INVALID;
  return resolveVerdict(valid(chain), valid(queue), {
    input: valid(inputEst),
    output: valid(outputEst),
  });
}

function readChain(ctx: ReadContext, field: MapField | undefined): Read<string> {
  const chain = readString(ctx, field);
  if (typeof chain !== 'string' || field === undefined) return chain;
  const bytes = Buffer.byteLength(chain);
  if (bytes <= CHAIN_NAME_MAX_BYTES) return chain;
  const message = `chain name is ${bytes} bytes long; nftables allows at most ${CHAIN_NAME_MAX_BYTES}`;
  report(ctx, { code: 'ERR_LABEL_VALUE', path: field.path, at: spanOf(field.value), message });
  return INVALID;
}

interface VerdictReads {
  readonly chain: Read<string>;
  readonly queue: Read<number>;
  readonly inputEst: Read<number>;
  readonly outputEst: Read<number>;
}

/** The original's verdict rules, in its order; every broken one is reported. */
function checkVerdict(
  ctx: ReadContext,
  fields: Map<string, MapField>,
  reads: VerdictReads,
): boolean {
  const rules: [boolean, string, string][] = [
    [
      reads.chain !== undefined && reads.queue !== undefined,
      'queue',
      '"chain" and "queue" cannot both be set: a packet either jumps to the chain or goes to the queue',
    ],
    [
      reads.inputEst !== undefined && reads.queue === undefined,
      'input_est_queue',
      '"queue" must be set when "input_est_queue" is set',
    ],
    [
      reads.outputEst !== undefined && reads.queue === undefined,
      'output_est_queue',
      '"queue" must be set when "output_est_queue" is set',
    ],
    [
      reads.outputEst !== undefined && reads.inputEst === undefined,
      'output_est_queue',
      '"input_est_queue" must be set when "output_est_queue" is set',
    ],
    [
      reads.inputEst !== undefined && reads.outputEst === undefined,
      'input_est_queue',
      '"output_est_queue" must be set when "input_est_queue" is set',
    ],
  ];
  let broken = false;
  for (const [isBroken, key, message] of rules) {
    if (!isBroken) continue;
    broken = true;
    const blamed = fields.get(key);
    report(ctx, {
      code: 'ERR_LABEL_CONFLICT',
      path: blamed?.path ?? '',
      at: spanOf(blamed?.key),
      message,
    });
  }
  return broken;
}

interface EstQueues {
  readonly input: number | undefined;
  readonly output: number | undefined;
}

/** Both set together is rejected above, so there is no precedence left to apply. */
function resolveVerdict(
  chain: string | undefined,
  queue: number | undefined,
  est: EstQueues,
): Verdict {
  if (chain !== undefined) return { kind: 'chain', chain };
  if (queue === undefined) return ACCEPT;
  if (est.input === undefined || est.output === undefined) return { kind: 'queue', queue };
  return { kind: 'queue', queue, inputEstQueue: est.input, outputEstQueue: est.output };
}

export const DEFAULT_VERDICT = ACCEPT;
