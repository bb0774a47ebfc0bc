import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUDIT_ARCH,
  buildAllowListProgram,
  buildBlockListProgram,
  SECCOMP_RET,
} from './seccomp-filter.ts';
import { DAEMON_POLICY, PRE_EXEC_DENIED } from './seccomp-policy.ts';
import { syscallNumber, type Architecture } from './syscall-numbers.ts';

interface Call {
  readonly nr: number;
  readonly args?: readonly number[];
  readonly arch?: number;
}

/** Runs a seccomp program the way the kernel does, on a `struct seccomp_data` built from `call`. */
function runFilter(program: Buffer, call: Call, arch: Architecture): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(call.nr, 0);
  data.writeUInt32LE(call.arch ?? AUDIT_ARCH[arch], 4);
  (call.args ?? []).forEach((value, i) => data.writeUInt32LE(value >>> 0, 16 + 8 * i));

  let accumulator = 0;
  for (let pc = 0; pc * 8 < program.length; pc += 1) {
    const code = program.readUInt16LE(pc * 8);
    const [jt, jf, k] = [
      program[pc * 8 + 2] ?? 0,
      program[pc * 8 + 3] ?? 0,
      program.readUInt32LE(pc * 8 + 4),
    ];
    if (code === 0x06) return k;
    if (code === 0x20) accumulator = data.readUInt32LE(k);
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x35) pc += accumulator >= k ? jt : jf;
    else if (code === 0x45) pc += (accumulator & k) !== 0 ? jt : jf;
    else throw new Error(`unexpected BPF code ${code} at ${pc}`);
  }
  throw new Error('the program ran off its end');
}

const ERRNO_EPERM = SECCOMP_RET.errno | 1;
const ERRNO_ENOSYS = SECCOMP_RET.errno | 38;
const THREAD_FLAGS = 0x3d0f00; // what glibc's pthread_create passes to clone
const FORK_FLAGS = 0x01200011; // CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD

function nr(name: Parameters<typeof syscallNumber>[0], arch: Architecture): number {
  const n = syscallNumber(name, arch);
  if (n === undefined) throw new Error(`${name} does not exist on ${arch}`);
  return n;
}

for (const arch of ['x86_64', 'aarch64'] as const) {
  describe(`seccomp allow-list program (${arch})`, () => {
    const { program, allowed } = buildAllowListProgram(DAEMON_POLICY, arch);
    const verdict = (call: Call) => runFilter(program, call, arch);

    it('allows every call of the plain allow-list and nothing next to it', () => {
      const numbers = DAEMON_POLICY.allow.flatMap((name) => syscallNumber(name, arch) ?? []);
      for (const n of numbers) assert.equal(verdict({ nr: n }), SECCOMP_RET.allow, `call ${n}`);
      const special = [...DAEMON_POLICY.conditional, ...DAEMON_POLICY.answer].map((r) => r.name);
      const checked = new Set([...numbers, ...special.map((name) => nr(name, arch))]);
      for (let n = 0; n < 460; n += 1) {
        if (!checked.has(n)) assert.equal(verdict({ nr: n }), ERRNO_EPERM, `call ${n}`);
      }
      assert.equal(allowed, new Set(numbers).size + DAEMON_POLICY.conditional.length);
    });

    it('refuses execve, execveat, io_uring and the sandbox calls with EPERM', () => {
      const names = ['execve', 'execveat', 'io_uring_setup', 'io_uring_enter', 'seccomp'] as const;
      for (const name of names) assert.equal(verdict({ nr: nr(name, arch) }), ERRNO_EPERM, name);
      assert.equal(verdict({ nr: nr('landlock_restrict_self', arch) }), ERRNO_EPERM);
    });

    it('lets clone make threads but not processes or namespaces', () => {
      const clone = nr('clone', arch);
      assert.equal(verdict({ nr: clone, args: [THREAD_FLAGS] }), SECCOMP_RET.allow);
      assert.equal(verdict({ nr: clone, args: [FORK_FLAGS] }), ERRNO_EPERM);
      assert.equal(verdict({ nr: clone, args: [THREAD_FLAGS | 0x10000000] }), ERRNO_EPERM);
      assert.equal(verdict({ nr: clone, args: [THREAD_FLAGS | 0x40000000] }), ERRNO_EPERM);
    });

    it('answers clone3 with ENOSYS so that glibc falls back to the checked clone', () => {
      assert.equal(verdict({ nr: nr('clone3', arch) }), ERRNO_ENOSYS);
    });

    it('allows unix, inet and nftables netlink sockets only', () => {
      const socket = nr('socket', arch);
      for (const family of [1, 2, 10]) {
        assert.equal(verdict({ nr: socket, args: [family, 1, 0] }), SECCOMP_RET.allow);
      }
      assert.equal(verdict({ nr: socket, args: [16, 3, 12] }), SECCOMP_RET.allow);
      assert.equal(verdict({ nr: socket, args: [16, 3, 0] }), ERRNO_EPERM, 'NETLINK_ROUTE');
      assert.equal(verdict({ nr: socket, args: [17, 3, 0] }), ERRNO_EPERM, 'AF_PACKET');
    });

    it('allows terminal queries but not interface changes through ioctl', () => {
      const ioctl = nr('ioctl', arch);
      assert.equal(verdict({ nr: ioctl, args: [1, 0x5401] }), SECCOMP_RET.allow);
      assert.equal(verdict({ nr: ioctl, args: [3, 0x8914] }), ERRNO_EPERM, 'SIOCSIFFLAGS');
    });

    it('allows prlimit64 on the process itself only', () => {
      const prlimit = nr('prlimit64', arch);
      assert.equal(verdict({ nr: prlimit, args: [0, 7] }), SECCOMP_RET.allow);
      assert.equal(verdict({ nr: prlimit, args: [1, 7] }), ERRNO_EPERM);
    });

    it('kills a call made with another architecture', () => {
      const other = arch === 'x86_64' ? AUDIT_ARCH.aarch64 : AUDIT_ARCH.x86_64;
      assert.equal(verdict({ nr: nr('read', arch), arch: other }), SECCOMP_RET.killProcess);
    });
  });

  describe(`seccomp pre-exec program (${arch})`, () => {
    const program = buildBlockListProgram(PRE_EXEC_DENIED, arch);

    it('refuses io_uring and allows everything else', () => {
      for (const name of PRE_EXEC_DENIED) {
        assert.equal(runFilter(program, { nr: nr(name, arch) }, arch), ERRNO_EPERM, name);
      }
      for (const name of ['execve', 'read', 'clone3'] as const) {
        assert.equal(runFilter(program, { nr: nr(name, arch) }, arch), SECCOMP_RET.allow, name);
      }
    });
  });
}

describe('seccomp allow-list program (x86_64 only)', () => {
  it('refuses x32 calls, which carry bit 30', () => {
    const { program } = buildAllowListProgram(DAEMON_POLICY, 'x86_64');
    const x32Read = 0x40000000 | nr('read', 'x86_64');
    assert.equal(runFilter(program, { nr: x32Read }, 'x86_64'), ERRNO_EPERM);
  });
});
