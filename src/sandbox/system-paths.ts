/**
 * The file-system view of the confined daemon: what the caller names plus what Node, glibc and
 * libnftables were measured to open (strace -f of the daemon's workload on Debian 12).
 */
import type { PathRule } from './landlock.ts';
import { findElfInterpreter } from './elf-interpreter.ts';

export interface SandboxPaths {
  /** Read-write: the data directory (database, -wal, -shm) and the log file, if any. */
  readonly readWrite: readonly string[];
  /** Read-only: the app directory with node_modules, the Docker certificate directory, ... */
  readonly readOnly: readonly string[];
  /** TCP ports the daemon may connect to (Docker over TCP); unset leaves TCP unrestricted. */
  readonly connectTcpPorts?: readonly number[];
}

/** Shared libraries, time zones and the like. */
const SYSTEM_TREES = ['/usr', '/lib', '/lib64', '/bin', '/sbin'];

/** What glibc's loader and resolver, OpenSSL and libnftables read under /etc. */
const ETC_FILES = [
  '/etc/ld.so.cache',
  '/etc/ld.so.preload',
  '/etc/localtime',
  '/etc/hosts',
  '/etc/host.conf',
  '/etc/resolv.conf',
  '/run/systemd/resolve',
  '/etc/nsswitch.conf',
  '/etc/gai.conf',
  '/etc/services',
  '/etc/protocols',
  '/etc/ssl',
  '/etc/iproute2',
  '/etc/connlabel.conf',
];

// All of /proc: procfs makes a new inode each time it looks up /proc/<pid>, so a rule on
// /proc/self could silently stop matching. Other processes' entries stay behind ptrace checks.
// Under /sys, libuv reads the cgroup memory limit and the online CPUs.
const KERNEL_VIEWS = ['/proc', '/sys/fs/cgroup', '/sys/devices/system/cpu'];

const RANDOM_DEVICES = ['/dev/urandom', '/dev/random'];

function rules(paths: readonly string[], access: PathRule['access'], optional: boolean) {
  return paths.map((path): PathRule => ({ path, access, optional }));
}

/** Every path rule of stage 1, for a Node binary at `execPath`. */
export function sandboxPathRules(paths: SandboxPaths, execPath: string): readonly PathRule[] {
  const interpreter = findElfInterpreter(execPath);
  return [
    ...rules(paths.readWrite, 'read-write', false),
    ...rules(paths.readOnly, 'read', true),
    ...rules([execPath], 'execute', false),
    ...rules(interpreter === undefined ? [] : [interpreter], 'execute', false),
    ...rules([...SYSTEM_TREES, ...ETC_FILES, ...KERNEL_VIEWS, ...RANDOM_DEVICES], 'read', true),
    ...rules(['/dev/null'], 'device', true),
  ];
}
