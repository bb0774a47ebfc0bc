/**
 * Installs a seccomp filter on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC), after
 * setting no_new_privs, which lets an unprivileged process install one (seccomp(2)).
 */
import { addressOf, errnoName, prctl, rawSyscall } from './libc.ts';
import { INSTRUCTION_SIZE } from './bpf.ts';
import { syscallNumber, type Architecture } from './syscall-numbers.ts';

const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;

export type InstallOutcome =
  { readonly ok: true } | { readonly ok: false; readonly errno: number; readonly detail: string };

/** Sets no_new_privs: execve can never again grant privileges (set-uid, file capabilities). */
export function setNoNewPrivs(): InstallOutcome {
  const { value, errno } = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (value === 0) return { ok: true };
  return { ok: false, errno, detail: `prctl(PR_SET_NO_NEW_PRIVS) failed with ${errnoName(errno)}` };
}

/** Installs `program` on all threads; the program Buffer is referenced until the call returns. */
export function installFilter(program: Buffer, arch: Architecture): InstallOutcome {
  const nr = syscallNumber('seccomp', arch);
  if (nr === undefined) return { ok: false, errno: 0, detail: `no seccomp number for ${arch}` };

  // struct sock_fprog: unsigned short len, 6 bytes of padding, struct sock_filter *filter.
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(program.length / INSTRUCTION_SIZE, 0);
  fprog.writeBigUInt64LE(addressOf(program), 8);

  const flags = SECCOMP_FILTER_FLAG_TSYNC;
  const { value, errno } = rawSyscall(nr, [
    ['int', SECCOMP_SET_MODE_FILTER],
    ['uint32_t', flags],
    ['intptr_t', addressOf(fprog)],
  ]);
  if (value === 0) return { ok: true };
  // With TSYNC, a positive result is the id of a thread that could not be synchronised.
  const detail =
    value > 0
      ? `thread ${value} could not take the seccomp filter`
      : `seccomp(SET_MODE_FILTER, TSYNC) failed with ${errnoName(errno)}`;
  return { ok: false, errno, detail };
}
