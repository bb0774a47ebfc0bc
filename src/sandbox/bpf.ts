/**
 * A small assembler for classic BPF as seccomp(2) runs it: loads of 32-bit words from
 * `struct seccomp_data`, conditional jumps and returns. Jumps name labels; the assembler turns
 * them into the forward 8-bit offsets the kernel requires and refuses anything it cannot encode.
 */
import { WhalewallError } from '../errors.ts';

/** Instruction codes from linux/filter.h and linux/bpf_common.h. */
const CODE = {
  loadWordAbsolute: 0x20, // BPF_LD | BPF_W | BPF_ABS
  jumpIfEqual: 0x15, // BPF_JMP | BPF_JEQ | BPF_K
  jumpIfGreaterOrEqual: 0x35, // BPF_JMP | BPF_JGE | BPF_K
  jumpIfAnyBitSet: 0x45, // BPF_JMP | BPF_JSET | BPF_K
  return: 0x06, // BPF_RET | BPF_K
} as const;

/** `next` falls through to the following instruction. */
export type JumpTarget = string;
export const NEXT: JumpTarget = '';

export type BpfItem =
  | { readonly op: 'load'; readonly offset: number }
  | {
      readonly op: 'jeq' | 'jge' | 'jset';
      readonly k: number;
      readonly ifTrue: JumpTarget;
      readonly ifFalse: JumpTarget;
    }
  | { readonly op: 'return'; readonly k: number }
  | { readonly op: 'label'; readonly name: string };

export const INSTRUCTION_SIZE = 8;

/** The kernel refuses longer programs (BPF_MAXINSNS). */
const MAX_INSTRUCTIONS = 4096;

function labelPositions(items: readonly BpfItem[]): ReadonlyMap<string, number> {
  const positions = new Map<string, number>();
  let position = 0;
  for (const item of items) {
    if (item.op !== 'label') position += 1;
    else if (positions.has(item.name))
      throw new WhalewallError('ERR_SANDBOX', `BPF label "${item.name}" is defined twice`);
    else positions.set(item.name, position);
  }
  return positions;
}

function jumpOffset(target: JumpTarget, from: number, labels: ReadonlyMap<string, number>): number {
  if (target === NEXT) return 0;
  const to = labels.get(target);
  if (to === undefined)
    throw new WhalewallError('ERR_SANDBOX', `BPF label "${target}" is not defined`);
  const offset = to - from - 1;
  if (offset < 0 || offset > 255) {
    throw new WhalewallError(
      'ERR_SANDBOX',
      `BPF jump to "${target}" spans ${offset} instructions; it must be 0-255`,
    );
  }
  return offset;
}

function encode(item: Exclude<BpfItem, { op: 'label' }>, jt: number, jf: number): Buffer {
  const out = Buffer.alloc(INSTRUCTION_SIZE);
  const code = {
    load: CODE.loadWordAbsolute,
    jeq: CODE.jumpIfEqual,
    jge: CODE.jumpIfGreaterOrEqual,
    jset: CODE.jumpIfAnyBitSet,
    return: CODE.return,
  }[item.op];
  out.writeUInt16LE(code, 0);
  out.writeUInt8(jt, 2);
  out.writeUInt8(jf, 3);
  out.writeUInt32LE((item.op === 'load' ? item.offset : item.k) >>> 0, 4);
  return out;
}

/** Turns items into `struct sock_filter[]` bytes (host byte order: little-endian here). */
export function assemble(items: readonly BpfItem[]): Buffer {
  const labels = labelPositions(items);
  const encoded: Buffer[] = [];

  for (const item of items) {
    if (item.op === 'label') continue;
    const at = encoded.length;
    const jumps = item.op === 'jeq' || item.op === 'jge' || item.op === 'jset';
    const jt = jumps ? jumpOffset(item.ifTrue, at, labels) : 0;
    const jf = jumps ? jumpOffset(item.ifFalse, at, labels) : 0;
    encoded.push(encode(item, jt, jf));
  }

  if (encoded.length > MAX_INSTRUCTIONS) {
    throw new WhalewallError(
      'ERR_SANDBOX',
      `BPF program has ${encoded.length} instructions; the kernel allows 4096`,
    );
  }
  return Buffer.concat(encoded);
}
