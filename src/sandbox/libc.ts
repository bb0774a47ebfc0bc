/**
 * The few libc entry points the sandbox needs, bound through koffi. Every wrapper returns the raw
 * result and, on failure, the errno the kernel gave, so callers can decide what a refusal means.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

export interface SyscallResult {
  readonly value: number;
  readonly errno: number;
}

/** A syscall argument as koffi needs it for a variadic call: the C type, then the value. */
export type SyscallArg = readonly ['int' | 'uint32_t' | 'size_t' | 'intptr_t', number | bigint];

type NativeFunction = (...args: unknown[]) => unknown;

interface LibcFunctions {
  readonly syscall: NativeFunction;
  readonly prctl: NativeFunction;
  readonly fcntl: NativeFunction;
  readonly execve: NativeFunction;
}

let bound: LibcFunctions | undefined;

function libc(): LibcFunctions {
  if (bound !== undefined) return bound;
  const lib = koffi.load('libc.so.6');
  bound = {
    // Both are variadic in glibc; koffi passes each extra argument with the type given per call.
    syscall: lib.func('long syscall(long number, ...)'),
    prctl: lib.func('int prctl(int option, ...)'),
    fcntl: lib.func('int fcntl(int fd, int cmd, ...)'),
    execve: lib.func('int execve(const char *path, const char **argv, const char **envp)'),
  };
  return bound;
}

function result(raw: number | bigint): SyscallResult {
  const value = Number(raw);
  return { value, errno: value < 0 ? koffi.errno() : 0 };
}

/** syscall(2) with integer or pointer (address) arguments. */
export function rawSyscall(number: number, args: readonly SyscallArg[]): SyscallResult {
  return result(libc().syscall(number, ...args.flat()) as number | bigint);
}

/** prctl(2) with up to four unsigned long arguments. */
export function prctl(option: number, ...args: readonly number[]): SyscallResult {
  const typed = args.flatMap((value) => ['unsigned long', value]);
  return result(libc().prctl(option, ...typed) as number);
}

const F_SETFD = 2;

/** Clears FD_CLOEXEC so the descriptor survives execve. */
export function keepAcrossExec(fd: number): SyscallResult {
  return result(libc().fcntl(fd, F_SETFD, 'int', 0) as number);
}

/** execve(2); returns only on failure. */
export function execve(path: string, argv: readonly string[], envp: readonly string[]): number {
  libc().execve(path, [...argv, null], [...envp, null]);
  return koffi.errno();
}

/** The name of an errno value (`EPERM`), or its number when the name is unknown. */
export function errnoName(errno: number): string {
  const entry = Object.entries(constants.errno).find(([, value]) => value === errno);
  return entry?.[0] ?? `errno ${errno}`;
}

/** The address of a Buffer, for structures that point at other buffers. */
export function addressOf(buffer: Buffer): bigint {
  return koffi.address(buffer);
}
