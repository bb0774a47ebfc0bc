/**
 * The two stages of the sandbox. Stage 1 (enterSandbox) runs first thing in `whalewall run`:
 * no_new_privs, a seccomp filter refusing io_uring, landlock on the calling thread, then a re-exec
 * so the whole new image is inside. Stage 2 (lockSyscalls) runs once the daemon holds its
 * database, nftables context and Docker connection: the syscall allow-list, on every thread.
 */
import { WhalewallError } from '../errors.ts';
import { probeLandlockAbi, restrictToPaths } from './landlock.ts';
import { errnoName, rawSyscall } from './libc.ts';
import { readConfinementStatus } from './process-status.ts';
import { confinedNotes, reexecConfined } from './reexec.ts';
import { buildAllowListProgram, buildBlockListProgram } from './seccomp-filter.ts';
import { DAEMON_POLICY, PRE_EXEC_DENIED, type SyscallPolicy } from './seccomp-policy.ts';
import { installFilter, setNoNewPrivs } from './seccomp.ts';
import { currentArchitecture, syscallNumber, type Architecture } from './syscall-numbers.ts';
import { sandboxPathRules, type SandboxPaths } from './system-paths.ts';

export type SandboxStage =
  | { readonly kind: 'reexec-pending' }
  | { readonly kind: 'confined'; readonly notes: readonly string[] }
  | { readonly kind: 'unconfined'; readonly reason: string };

export interface SyscallLock {
  readonly applied: boolean;
  readonly syscalls: number;
  readonly note?: string;
}

const ERRNO = { EPERM: 1, ENOSYS: 38, EOPNOTSUPP: 95 } as const;

const SERVICE_MANAGER_FILTER =
  'refused with EPERM: a service manager filters system calls, so the process is confined by it';

function requireNoNewPrivs(): void {
  const outcome = setNoNewPrivs();
  if (!outcome.ok) throw new WhalewallError('ERR_SANDBOX', outcome.detail);
}

/** What to do when the kernel offers no landlock; throws for an errno that means a bug. */
function withoutLandlock(errno: number): SandboxStage {
  if (errno === ERRNO.EPERM)
    return { kind: 'confined', notes: [`landlock ${SERVICE_MANAGER_FILTER}`] };
  if (errno === ERRNO.ENOSYS || errno === ERRNO.EOPNOTSUPP || errno === 0) {
    const why = errno === 0 ? 'an ABI below 1' : errnoName(errno);
    return { kind: 'unconfined', reason: `the kernel offers no landlock (${why})` };
  }
  throw new WhalewallError('ERR_SANDBOX', `probing landlock failed with ${errnoName(errno)}`);
}

function blockIoUring(arch: Architecture): string {
  const outcome = installFilter(buildBlockListProgram(PRE_EXEC_DENIED, arch), arch);
  if (outcome.ok) return 'io_uring refused from the start';
  return `io_uring left to libuv: ${outcome.detail}`;
}

/** Stage 1. Never returns when it confines the process: the program starts again inside. */
export function enterSandbox(paths: SandboxPaths): SandboxStage {
  // A marker without no_new_privs was not set by us: ignore it and confine.
  const notes = confinedNotes(process.env);
  if (notes !== undefined && readConfinementStatus().noNewPrivs) return { kind: 'confined', notes };

  const arch = currentArchitecture();
  if (arch === undefined) {
    return { kind: 'unconfined', reason: `no system-call table for ${process.arch}` };
  }
  const probe = probeLandlockAbi();
  if (!('errno' in probe)) return confineAndReexec(paths, probe.abi, arch);
  return withoutLandlock(probe.errno);
}

function confineAndReexec(paths: SandboxPaths, abi: number, arch: Architecture): never {
  requireNoNewPrivs();
  const ioUring = blockIoUring(arch);
  const allowed = restrictToPaths({
    abi,
    paths: sandboxPathRules(paths, process.execPath),
    connectTcpPorts: paths.connectTcpPorts,
  });
  const tcp =
    paths.connectTcpPorts === undefined || abi < 4 ? 'any' : paths.connectTcpPorts.join(',');
  return reexecConfined([
    `landlock ABI ${abi}: ${allowed.length} paths allowed, TCP connect to ${tcp || 'none'}`,
    ioUring,
  ]);
}

/**
 * Rings set up before a filter keep working through io_uring_enter, and libuv aborts if that
 * fails. Where io_uring_setup is refused (by stage 1, a service manager or the kernel), no ring
 * exists; otherwise io_uring_enter must stay allowed.
 */
function mayHaveRings(arch: Architecture): boolean {
  const nr = syscallNumber('io_uring_setup', arch);
  if (nr === undefined) return false;
  const { errno } = rawSyscall(nr, [
    ['uint32_t', 0],
    ['intptr_t', 0],
  ]);
  return errno !== ERRNO.EPERM && errno !== ERRNO.ENOSYS;
}

function policyFor(arch: Architecture): { policy: SyscallPolicy; note?: string } {
  if (!mayHaveRings(arch)) return { policy: DAEMON_POLICY };
  const policy = { ...DAEMON_POLICY, allow: [...DAEMON_POLICY.allow, 'io_uring_enter' as const] };
  return { policy, note: 'io_uring_enter stays allowed: rings were set up before the filter' };
}

/** Stage 2: the allow-list on every thread (TSYNC). execve is not in it. */
export function lockSyscalls(): SyscallLock {
  const arch = currentArchitecture();
  if (arch === undefined) {
    return { applied: false, syscalls: 0, note: `no system-call table for ${process.arch}` };
  }
  requireNoNewPrivs();
  const { policy, note } = policyFor(arch);
  const { program, allowed } = buildAllowListProgram(policy, arch);

  const outcome = installFilter(program, arch);
  if (outcome.ok)
    return { applied: true, syscalls: allowed, ...(note === undefined ? {} : { note }) };
  if (outcome.errno === ERRNO.EPERM) {
    return { applied: false, syscalls: 0, note: `seccomp ${SERVICE_MANAGER_FILTER}` };
  }
  throw new WhalewallError('ERR_SANDBOX', outcome.detail);
}
