/**
 * Network namespaces for integration tests: create and delete them, wire them with veths and
 * bridges, give them addresses and blackhole routes, enter one from the test process, and run
 * TCP/UDP listeners and probes inside them through a small agent.
 *
 * Every namespace is named with the prefix passed to `createNetns`, so a test removes exactly what
 * it made. Commands have a time limit; nothing here waits without a deadline.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, openSync, readlinkSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import koffi from 'koffi';

const CLONE_NEWNET = 0x40000000;
const COMMAND_TIMEOUT_MS = 10_000;
const AGENT_DEADLINE_MS = 15_000;

/** Runs `ip netns exec <ns> <argv>` (or argv in the current namespace when ns is undefined). */
export function run(ns: string | undefined, argv: readonly string[]): string {
  const full = ns === undefined ? [...argv] : ['ip', 'netns', 'exec', ns, ...argv];
  const [file = '', ...args] = full;
  return execFileSync(file, args, {
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
    maxBuffer: 256 * 1024 * 1024,
    // Keep the command's stderr in the error it throws instead of the test's output.
    stdio: 'pipe',
  });
}

export function createNetns(name: string): void {
  run(undefined, ['ip', 'netns', 'add', name]);
  run(name, ['ip', 'link', 'set', 'lo', 'up']);
}

/** Deletes the namespaces; never throws, so it is safe in `after` hooks. */
export function deleteNetns(...names: readonly string[]): void {
  for (const name of names) {
    try {
      run(undefined, ['ip', 'netns', 'del', name]);
    } catch {
      // Already gone.
    }
  }
}

/** A veth pair with one end in each namespace, both up. */
export function addVeth(a: { ns: string; dev: string }, b: { ns: string; dev: string }): void {
  run(a.ns, ['ip', 'link', 'add', a.dev, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns]);
  run(a.ns, ['ip', 'link', 'set', a.dev, 'up']);
  run(b.ns, ['ip', 'link', 'set', b.dev, 'up']);
}

export function addBridge(ns: string, dev: string): void {
  run(ns, ['ip', 'link', 'add', dev, 'type', 'bridge']);
  run(ns, ['ip', 'link', 'set', dev, 'up']);
}

export function attachToBridge(ns: string, dev: string, bridge: string): void {
  run(ns, ['ip', 'link', 'set', dev, 'master', bridge]);
}

/** Adds an address (`10.1.2.3/24` or `fd00::1/64`); IPv6 skips duplicate address detection. */
export function addAddress(ns: string, dev: string, cidr: string): void {
  const v6 = cidr.includes(':');
  run(ns, ['ip', ...(v6 ? ['-6'] : []), 'addr', 'add', cidr, 'dev', dev, ...(v6 ? ['nodad'] : [])]);
}

export function addRoute(ns: string, prefix: string, via: string): void {
  run(ns, ['ip', ...(prefix.includes(':') ? ['-6'] : []), 'route', 'add', prefix, 'via', via]);
}

/** Test ranges go nowhere but to the links the test made (more specific routes win). */
export function blackhole(ns: string, ...prefixes: readonly string[]): void {
  for (const p of prefixes) {
    run(ns, ['ip', ...(p.includes(':') ? ['-6'] : []), 'route', 'add', 'blackhole', p]);
  }
}

export function enableForwarding(ns: string): void {
  run(ns, ['sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
}

let setns: ((fd: number, nstype: number) => number) | undefined;

/**
 * Moves the calling thread (the test's main thread) into namespace `name`, and proves it did:
 * netlink sockets created afterwards on this thread (libnftables' context) and processes spawned
 * afterwards belong to that namespace. Throws rather than leave the test in the host's namespace.
 */
export function enterNetns(name: string): void {
  setns ??= koffi
    .load('libc.so.6')
    .func('int setns(int fd, int nstype)') as unknown as typeof setns;
  const path = `/run/netns/${name}`;
  const fd = openSync(path, 'r');
  try {
    if (setns?.(fd, CLONE_NEWNET) !== 0) throw new Error(`setns into ${name} failed`);
  } finally {
    closeSync(fd);
  }
  const now = readlinkSync('/proc/thread-self/ns/net');
  if (now !== `net:[${statSync(path).ino}]`) throw new Error(`still outside ${name} (${now})`);
}

export type ProbeOutcome = 'replied' | 'connected' | 'refused' | 'timeout' | 'unreachable';

export interface ProbeSpec {
  readonly proto: 'tcp' | 'udp';
  readonly host: string;
  readonly port: number;
  readonly srcAddr?: string;
  readonly srcPort?: number;
  readonly timeoutMs?: number;
}

/** An agent process inside one namespace; `close` ends it (it also ends when the test exits). */
export class NetnsAgent {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<number, (answer: Record<string, unknown>) => void>();
  #next = 1;
  readonly ready: Promise<void>;

  /** `ns` undefined runs the agent in the test's own namespace (the host's, for e2e tests). */
  constructor(ns: string | undefined) {
    const script = new URL('./netns-agent.ts', import.meta.url).pathname;
    this.#child =
      ns === undefined
        ? spawn(process.execPath, [script])
        : spawn('ip', ['netns', 'exec', ns, process.execPath, script]);
    let stderr = '';
    this.#child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: this.#child.stdout });
    this.ready = new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        const answer = JSON.parse(line) as Record<string, unknown>;
        if (answer.ready === true) resolve();
        const id = typeof answer.id === 'number' ? answer.id : 0;
        this.#waiting.get(id)?.(answer);
        this.#waiting.delete(id);
      });
      this.#child.on('exit', (code) => {
        const error = `agent in ${ns ?? 'this namespace'} exited (${String(code)}): ${stderr.trim()}`;
        reject(new Error(error));
        for (const answer of this.#waiting.values()) answer({ error });
        this.#waiting.clear();
      });
    });
    this.ready.catch(() => undefined);
  }

  async #send(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    await this.ready;
    const id = this.#next++;
    const answer = new Promise<Record<string, unknown>>((resolve) => {
      this.#waiting.set(id, resolve);
      const deadline = setTimeout(() => {
        resolve({ error: `no answer within ${AGENT_DEADLINE_MS} ms` });
      }, AGENT_DEADLINE_MS);
      deadline.unref();
    });
    this.#child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    return answer;
  }

  async listen(proto: 'tcp' | 'udp', host: string, port: number): Promise<void> {
    const answer = await this.#send({ op: 'listen', proto, host, port });
    if (answer.ok !== true)
      throw new Error(`listen ${proto} ${host}:${port}: ${String(answer.error)}`);
  }

  async probe(spec: ProbeSpec): Promise<ProbeOutcome> {
    const answer = await this.#send({ op: 'probe', ...spec });
    if (typeof answer.outcome !== 'string')
      throw new Error(`probe failed: ${String(answer.error)}`);
    return answer.outcome as ProbeOutcome;
  }

  close(): void {
    this.#child.stdin.end();
    if (this.#child.pid !== undefined && this.#child.exitCode === null) this.#child.kill();
  }
}

/** An open handle on the calling thread's current namespace, to come back to or run in. */
export function holdCurrentNetns(): number {
  return openSync('/proc/thread-self/ns/net', 'r');
}

/** Runs argv in the namespace held by `fd` (see holdCurrentNetns). */
export function runInHeldNetns(fd: number, argv: readonly string[]): string {
  return run(undefined, ['nsenter', `--net=/proc/${process.pid}/fd/${fd}`, ...argv]);
}
