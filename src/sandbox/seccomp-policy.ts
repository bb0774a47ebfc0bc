/**
 * What the daemon may ask of the kernel once it has opened its database, its nftables context and
 * its Docker connection. Measured with `strace -f` on the daemon's workload (SQLite in WAL mode,
 * libnftables over netlink, HTTP over the Docker socket, worker threads, async file reads), then
 * widened only to the sibling calls glibc or libuv pick on other kernels (`stat` / `statx`,
 * `epoll_wait` / `epoll_pwait2`, ...). Everything else fails with EPERM; see seccomp-filter.ts.
 */
import type { SyscallName } from './syscall-numbers.ts';

/** A test on the low 32 bits of one argument (every argument tested here is an int or flags). */
export type ArgumentCheck =
  | { readonly arg: number; readonly oneOf: readonly number[] }
  | { readonly arg: number; readonly noBitOf: number }
  | { readonly arg: number; readonly someBitOf: number };

/** Allowed when every check of at least one alternative holds. */
export interface ConditionalRule {
  readonly name: SyscallName;
  readonly alternatives: readonly (readonly ArgumentCheck[])[];
}

export interface SyscallPolicy {
  readonly allow: readonly SyscallName[];
  readonly conditional: readonly ConditionalRule[];
  /** Calls answered with a specific errno instead of EPERM. */
  readonly answer: readonly { readonly name: SyscallName; readonly errno: number }[];
}

const ENOSYS = 38;
const CLONE_THREAD = 0x10000;
// CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET, and CLONE_NEWTIME.
const CLONE_NEW_NAMESPACES = 0x00020000 | 0x7e000000 | 0x80;
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const NETLINK_NETFILTER = 12;

const MEMORY: readonly SyscallName[] = ['brk', 'mmap', 'munmap', 'mprotect', 'mremap', 'madvise'];

const THREADS_AND_SIGNALS: readonly SyscallName[] = [
  'futex',
  'set_robust_list',
  'rseq',
  'set_tid_address',
  'gettid',
  'exit',
  'exit_group',
  'sched_yield',
  'sched_getaffinity',
  'sched_getparam',
  'sched_getscheduler',
  'tgkill',
  'rt_sigaction',
  'rt_sigprocmask',
  'rt_sigreturn',
  'sigaltstack',
  'restart_syscall',
  'getpid',
  'getuid',
  'geteuid',
  'getgid',
  'getegid',
  'capget',
];

const TIME: readonly SyscallName[] = [
  'clock_gettime',
  'clock_getres',
  'clock_nanosleep',
  'nanosleep',
  'gettimeofday',
];

const EVENT_LOOP: readonly SyscallName[] = [
  'epoll_create1',
  'epoll_ctl',
  'epoll_pwait',
  'epoll_pwait2',
  'epoll_wait',
  'eventfd2',
  'pipe2',
  'ppoll',
  'pselect6',
  'poll',
];

// Landlock decides which paths these may reach.
const FILES: readonly SyscallName[] = [
  'read',
  'write',
  'readv',
  'writev',
  'pread64',
  'pwrite64',
  'preadv',
  'pwritev',
  'openat',
  'open',
  'close',
  'lseek',
  'fstat',
  'newfstatat',
  'statx',
  'stat',
  'lstat',
  'access',
  'faccessat',
  'faccessat2',
  'readlink',
  'readlinkat',
  'getdents64',
  'fcntl',
  'flock',
  'fsync',
  'fdatasync',
  'ftruncate',
  'unlink',
  'unlinkat',
  'mkdir',
  'mkdirat',
  'rename',
  'renameat',
  'renameat2',
  'fchmod',
  'fchown',
  'getcwd',
  'statfs',
  'fstatfs',
  'dup',
  'dup2',
  'dup3',
];

const SOCKETS: readonly SyscallName[] = [
  'connect',
  'bind',
  'getsockname',
  'getpeername',
  'getsockopt',
  'setsockopt',
  'sendto',
  'recvfrom',
  'sendmsg',
  'recvmsg',
  'sendmmsg',
  'recvmmsg',
  'shutdown',
];

const SYSTEM_FACTS: readonly SyscallName[] = ['uname', 'sysinfo', 'getrandom', 'getrusage'];

const CONDITIONAL: readonly ConditionalRule[] = [
  // Threads only: a process (fork, or the vfork behind posix_spawn) or a new namespace is refused.
  {
    name: 'clone',
    alternatives: [
      [
        { arg: 0, someBitOf: CLONE_THREAD },
        { arg: 0, noBitOf: CLONE_NEW_NAMESPACES },
      ],
    ],
  },
  // The Docker socket, Docker over TCP and DNS, and nftables' netlink; no raw or packet sockets,
  // and no other netlink family (NETLINK_ROUTE could rewrite routes with CAP_NET_ADMIN).
  {
    name: 'socket',
    alternatives: [
      [{ arg: 0, oneOf: [AF_UNIX, AF_INET, AF_INET6] }],
      [
        { arg: 0, oneOf: [AF_NETLINK] },
        { arg: 2, oneOf: [NETLINK_NETFILTER] },
      ],
    ],
  },
  // Terminal and non-blocking queries only; the SIOCS* requests would reconfigure interfaces.
  // TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, FIONCLEX, FIOCLEX, SIOCGIFNAME, SIOCGIFINDEX.
  {
    name: 'ioctl',
    alternatives: [
      [{ arg: 1, oneOf: [0x5401, 0x5413, 0x541b, 0x5421, 0x5450, 0x5451, 0x8910, 0x8933] }],
    ],
  },
  // Thread names (PR_SET_NAME, PR_GET_NAME), mapping names (PR_SET_VMA), PR_GET_NO_NEW_PRIVS.
  { name: 'prctl', alternatives: [[{ arg: 0, oneOf: [15, 16, 0x53564d41, 39] }]] },
  // Only the process's own limits (pid 0).
  { name: 'prlimit64', alternatives: [[{ arg: 0, oneOf: [0] }]] },
];

/**
 * The allow-list of stage 2. Not in it, among others: execve and execveat (no program can be
 * started), io_uring_* (its operations would bypass this filter), ptrace, mount, bpf, unshare,
 * setns, kill of other processes, and seccomp and landlock themselves.
 */
export const DAEMON_POLICY: SyscallPolicy = {
  allow: [
    ...MEMORY,
    ...THREADS_AND_SIGNALS,
    ...TIME,
    ...EVENT_LOOP,
    ...FILES,
    ...SOCKETS,
    ...SYSTEM_FACTS,
  ],
  conditional: CONDITIONAL,
  // glibc creates threads with clone3 and falls back to clone only on ENOSYS; clone3's flags sit
  // in memory where BPF cannot read them, so it is steered to the checked clone.
  answer: [{ name: 'clone3', errno: ENOSYS }],
};

/** Calls refused from stage 1 on, across the re-exec, so that Node never sets up an io_uring. */
export const PRE_EXEC_DENIED: readonly SyscallName[] = [
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
];
