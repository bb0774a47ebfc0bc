/**
 * Observers outside the daemon: `nft -j monitor` (when a container's chain appears in the
 * kernel, timed on arrival) and `docker events` (each start with Docker's own timestamp).
 * Both are child processes of the benchmark, ended by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

const wallNow = () => performance.timeOrigin + performance.now();

export interface Seen {
  readonly key: string;
  readonly atMs: number;
}

class LineWatcher {
  readonly #child: ChildProcess;
  readonly seen: Seen[] = [];

  constructor(argv: readonly string[], pick: (line: string) => Seen | undefined) {
    const [file = '', ...args] = argv;
    this.#child = spawn(file, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    if (this.#child.stdout === null) throw new Error(`${file} has no stdout`);
    createInterface({ input: this.#child.stdout }).on('line', (line) => {
      const hit = pick(line);
      if (hit !== undefined) this.seen.push(hit);
    });
  }

  /** Times `key` was seen after `sinceMs` (wall clock, ms). */
  after(key: string, sinceMs: number): number[] {
    return this.seen.filter((s) => s.key === key && s.atMs >= sinceMs).map((s) => s.atMs);
  }

  stop(): void {
    this.#child.kill();
  }
}

/** Chains added to whalewall's table: key = chain name. */
export function watchChains(): LineWatcher {
  return new LineWatcher(['nft', '-j', 'monitor', 'chains'], (line) => {
    try {
      const doc = JSON.parse(line) as { add?: { chain?: { table?: string; name?: string } } };
      const chain = doc.add?.chain;
      if (chain?.table !== 'whalewall' || chain.name === undefined) return undefined;
      return { key: chain.name, atMs: wallNow() };
    } catch {
      return undefined;
    }
  });
}

/** Container start events: key = 12-hex ID, time = Docker's timeNano. */
export function watchStarts(): LineWatcher {
  const argv = ['docker', 'events', '--filter', 'type=container', '--filter', 'event=start'];
  return new LineWatcher([...argv, '--format', '{{json .}}'], (line) => {
    try {
      const doc = JSON.parse(line) as { id?: string; timeNano?: number };
      if (doc.id === undefined || doc.timeNano === undefined) return undefined;
      return { key: doc.id.slice(0, 12), atMs: doc.timeNano / 1e6 };
    } catch {
      return undefined;
    }
  });
}

export { wallNow };
