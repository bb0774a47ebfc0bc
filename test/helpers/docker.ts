/**
 * Docker helpers for end-to-end tests against the real engine that test/setup/host.sh starts.
 *
 * Everything a test creates is named `wwtest-<pid>-<kind>-<n>`, so `removeTestObjects()` in an
 * `after` hook removes exactly this process's containers and networks and never touches another
 * test run's. Every CLI call is bounded in time; every wait polls against a deadline.
 *
 * Test networks take IPv4 subnets from 10.201.0.0/16–10.220.0.0/16 (one /24 each) and IPv6
 * subnets under fd00:ww::/32 (`fd00:77:<a>:<b>::/64`), leaving other 10.x ranges to namespaces.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';

export const TEST_PREFIX = 'wwtest-';
export const TEST_IMAGE = 'whalewall-test:latest';
export const OWN_PREFIX = `${TEST_PREFIX}${process.pid}-`;

const DEFAULT_TIMEOUT_MS = 30_000;
let sequence = 0;

export interface RunOptions {
  readonly timeoutMs?: number;
}

/** Runs `docker <args>` and resolves to its stdout; rejects with the command, code and stderr. */
export function docker(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(stdout.trim());
        return;
      }
      const what = err.killed ? `timed out after ${timeout} ms` : `exited ${String(err.code)}`;
      const message = `docker ${args.join(' ')} ${what}: ${stderr.trim()}`;
      reject(new Error(message, { cause: err }));
    });
  });
}

/** A fresh name owned by this test process, e.g. `wwtest-4242-web-3`. */
export function uniqueName(kind: string): string {
  sequence += 1;
  return `${OWN_PREFIX}${kind}-${sequence}`;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than `undefined` or `false`, and resolves to it.
 * Rejects after the deadline, naming `what` and the last error the probe threw.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  opts: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const interval = opts.intervalMs ?? 50;
  let lastError: unknown;

  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`gave up waiting for ${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export interface TestNetwork {
  readonly name: string;
  readonly id: string;
  readonly subnetV4: string;
  readonly subnetV6: string;
}

/** Creates a dual-stack bridge network on a random free test subnet. */
export async function createDualStackNetwork(kind = 'net'): Promise<TestNetwork> {
  const name = uniqueName(kind);
  let lastError: unknown;

  // A random /24 may overlap another run's network: Docker refuses it, and we draw again.
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = randomInt(201, 221);
    const b = randomInt(0, 256);
    const subnetV4 = `10.${a}.${b}.0/24`;
    const subnetV6 = `fd00:77:${a.toString(16)}:${b.toString(16)}::/64`;
    const args = ['network', 'create', '--ipv6', '--subnet', subnetV4, '--subnet', subnetV6];
    try {
      const id = await docker([...args, name]);
      return { name, id, subnetV4, subnetV6 };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`could not create test network ${name}`, { cause: lastError });
}

export interface TestContainerOptions {
  readonly kind?: string;
  readonly network?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** `docker run -p` values, e.g. `8080:80`, `[::]:8081:81/udp`. */
  readonly publish?: readonly string[];
  /** Ports the test program serves on TCP and UDP. */
  readonly listen?: readonly number[];
  /** A command replacing `ww-listen <listen...>`. */
  readonly command?: readonly string[];
  readonly extraArgs?: readonly string[];
}

export interface TestContainer {
  readonly id: string;
  readonly name: string;
}

/** Starts a detached container of the test image; resolves once Docker reports it running. */
export async function runTestContainer(opts: TestContainerOptions = {}): Promise<TestContainer> {
  const name = uniqueName(opts.kind ?? 'ctr');
  const args = ['run', '-d', '--name', name];
  if (opts.network !== undefined) args.push('--network', opts.network);
  for (const [key, value] of Object.entries(opts.labels ?? {}))
    args.push('--label', `${key}=${value}`);
  for (const p of opts.publish ?? []) args.push('-p', p);
  args.push(...(opts.extraArgs ?? []), TEST_IMAGE);
  args.push(...(opts.command ?? ['ww-listen', ...(opts.listen ?? []).map(String)]));

  const id = await docker(args);
  await waitFor(`${name} to run`, async () => (await isRunning(id)) || undefined);
  return { id, name };
}

export async function isRunning(nameOrId: string): Promise<boolean> {
  const out = await docker(['inspect', '-f', '{{.State.Running}}', nameOrId]);
  return out === 'true';
}

/** `docker inspect` of one object, parsed. */
export async function inspect(nameOrId: string): Promise<unknown> {
  const out = await docker(['inspect', nameOrId]);
  const list = JSON.parse(out) as unknown[];
  return list[0];
}

/** Runs a command inside a running container and resolves to its stdout. */
export function execIn(container: string, command: readonly string[], opts: RunOptions = {}) {
  return docker(['exec', container, ...command], opts);
}

/** Names of containers and networks that start with `prefix`. */
export async function listTestObjects(prefix: string = OWN_PREFIX) {
  const containers = await docker(['ps', '-a', '--format', '{{.Names}}']);
  const networks = await docker(['network', 'ls', '--format', '{{.Name}}']);
  const mine = (out: string) => out.split('\n').filter((n) => n.startsWith(prefix));
  return { containers: mine(containers), networks: mine(networks) };
}

/**
 * Removes containers, then networks, whose names start with `prefix` (this process's by
 * default). Pass `TEST_PREFIX` to sweep the leftovers of every earlier run.
 */
export async function removeTestObjects(prefix: string = OWN_PREFIX): Promise<void> {
  const { containers, networks } = await listTestObjects(prefix);
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]);
  if (networks.length > 0) await docker(['network', 'rm', ...networks]);
}
