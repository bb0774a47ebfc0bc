/**
 * Turns a syscall policy into a seccomp classic-BPF program for one architecture.
 *
 * Layout: check the architecture (another ABI's numbers would mean other calls, so a mismatch
 * kills the process), load the call number, branch to the blocks of calls with argument checks
 * or fixed answers, then search the plain allow-list as a balanced tree of comparisons, so a call
 * costs about log2(n) + 4 instructions. x32 calls on x86_64 carry bit 30 and so match no entry.
 */
import { assemble, NEXT, type BpfItem } from './bpf.ts';
import type { ArgumentCheck, ConditionalRule, SyscallPolicy } from './seccomp-policy.ts';
import { syscallNumber, type Architecture, type SyscallName } from './syscall-numbers.ts';

/** AUDIT_ARCH_* from linux/audit.h. */
export const AUDIT_ARCH: Readonly<Record<Architecture, number>> = {
  x86_64: 0xc000003e,
  aarch64: 0xc00000b7,
};

/** SECCOMP_RET_* from linux/seccomp.h. */
export const SECCOMP_RET = {
  killProcess: 0x80000000,
  errno: 0x00050000,
  allow: 0x7fff0000,
} as const;

const EPERM = 1;

/** Offsets in `struct seccomp_data`; arguments are 64-bit, their low word first (little-endian). */
const DATA = { nr: 0, arch: 4, argLow: (index: number) => 16 + 8 * index } as const;

export interface SeccompProgram {
  readonly program: Buffer;
  /** How many calls can succeed under the program: the plain ones and those with checks. */
  readonly allowed: number;
}

function numbersOf(names: readonly SyscallName[], arch: Architecture): number[] {
  const numbers = names.map((name) => syscallNumber(name, arch));
  const present = numbers.filter((n): n is number => n !== undefined);
  return [...new Set(present)].sort((a, b) => a - b);
}

/** Equality leaves for short runs, a `jge` split on the middle number above that. */
function searchTree(numbers: readonly number[], id: string): BpfItem[] {
  if (numbers.length === 0) return [{ op: 'return', k: SECCOMP_RET.errno | EPERM }];
  if (numbers.length <= 4) {
    return numbers.map((k, i) => {
      const last = i === numbers.length - 1;
      return { op: 'jeq', k, ifTrue: 'allow', ifFalse: last ? 'deny' : NEXT } as const;
    });
  }
  const middle = Math.floor(numbers.length / 2);
  const upper = `${id}u`;
  return [
    { op: 'jge', k: numbers[middle] ?? 0, ifTrue: upper, ifFalse: NEXT },
    ...searchTree(numbers.slice(0, middle), `${id}l`),
    { op: 'label', name: upper },
    ...searchTree(numbers.slice(middle), `${id}u`),
  ];
}

function checkItems(check: ArgumentCheck, fail: string, id: string): BpfItem[] {
  const load: BpfItem = { op: 'load', offset: DATA.argLow(check.arg) };
  if ('noBitOf' in check) {
    return [load, { op: 'jset', k: check.noBitOf, ifTrue: fail, ifFalse: NEXT }];
  }
  if ('someBitOf' in check) {
    return [load, { op: 'jset', k: check.someBitOf, ifTrue: NEXT, ifFalse: fail }];
  }
  const pass = `${id}p`;
  const tests = check.oneOf.map((k, i): BpfItem => {
    const last = i === check.oneOf.length - 1;
    return { op: 'jeq', k, ifTrue: pass, ifFalse: last ? fail : NEXT };
  });
  return [load, ...tests, { op: 'label', name: pass }];
}

function conditionalBlock(rule: ConditionalRule): BpfItem[] {
  const items: BpfItem[] = [{ op: 'label', name: `c-${rule.name}` }];
  rule.alternatives.forEach((checks, a) => {
    const fail = a === rule.alternatives.length - 1 ? 'deny' : `c-${rule.name}-${a + 1}`;
    if (a > 0) items.push({ op: 'label', name: `c-${rule.name}-${a}` });
    checks.forEach((check, c) =>
      items.push(...checkItems(check, fail, `c-${rule.name}-${a}-${c}`)),
    );
    items.push({ op: 'return', k: SECCOMP_RET.allow });
  });
  return items;
}

function dispatch(name: SyscallName, target: string, arch: Architecture): BpfItem[] {
  const nr = syscallNumber(name, arch);
  return nr === undefined ? [] : [{ op: 'jeq', k: nr, ifTrue: target, ifFalse: NEXT }];
}

/** The stage-2 allow-list program: anything not allowed fails with EPERM. */
export function buildAllowListProgram(policy: SyscallPolicy, arch: Architecture): SeccompProgram {
  const plain = numbersOf(policy.allow, arch);
  const conditional = policy.conditional.filter((r) => syscallNumber(r.name, arch) !== undefined);

  const items: BpfItem[] = [
    { op: 'load', offset: DATA.arch },
    { op: 'jeq', k: AUDIT_ARCH[arch], ifTrue: NEXT, ifFalse: 'wrong-arch' },
    { op: 'load', offset: DATA.nr },
    ...policy.answer.flatMap((a) => dispatch(a.name, `a-${a.name}`, arch)),
    ...conditional.flatMap((rule) => dispatch(rule.name, `c-${rule.name}`, arch)),
    ...searchTree(plain, 't'),
    ...policy.answer.flatMap((a): BpfItem[] => [
      { op: 'label', name: `a-${a.name}` },
      { op: 'return', k: SECCOMP_RET.errno | a.errno },
    ]),
    ...conditional.flatMap(conditionalBlock),
    { op: 'label', name: 'deny' },
    { op: 'return', k: SECCOMP_RET.errno | EPERM },
    { op: 'label', name: 'allow' },
    { op: 'return', k: SECCOMP_RET.allow },
    { op: 'label', name: 'wrong-arch' },
    { op: 'return', k: SECCOMP_RET.killProcess },
  ];
  return { program: assemble(items), allowed: plain.length + conditional.length };
}

/** A program that refuses the given calls with EPERM and allows everything else. */
export function buildBlockListProgram(denied: readonly SyscallName[], arch: Architecture): Buffer {
  const items: BpfItem[] = [
    { op: 'load', offset: DATA.arch },
    { op: 'jeq', k: AUDIT_ARCH[arch], ifTrue: NEXT, ifFalse: 'wrong-arch' },
    { op: 'load', offset: DATA.nr },
    ...numbersOf(denied, arch).map((k): BpfItem => ({
      op: 'jeq',
      k,
      ifTrue: 'deny',
      ifFalse: NEXT,
    })),
    { op: 'return', k: SECCOMP_RET.allow },
    { op: 'label', name: 'deny' },
    { op: 'return', k: SECCOMP_RET.errno | EPERM },
    { op: 'label', name: 'wrong-arch' },
    { op: 'return', k: SECCOMP_RET.killProcess },
  ];
  return assemble(items);
}
