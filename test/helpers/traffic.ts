/**
 * Real packets between test containers, asserted as a user would notice them: connections that
 * must open and connections that must not.
 *
 * A probe is `ww-probe` run inside the sending container: a TCP connect that must read the
 * server's greeting, or a UDP datagram that must come back echoed. Open expectations are retried
 * until a deadline (the daemon may still be applying); closed ones are probed once, after every
 * open one has succeeded, so a closed result cannot be a daemon that simply has not acted yet.
 */
import { execIn, inspect, waitFor } from './docker.ts';

export type Proto = 'tcp' | 'udp';

export interface Flow {
  /** Name or ID of the container that sends. */
  readonly from: string;
  readonly to: string;
  readonly proto: Proto;
  readonly port: number;
}

/** A container's addresses on one network. */
export interface Addresses {
  readonly v4: string;
  readonly v6: string;
}

const CLOSED_PROBE_MS = 1000;
const OPEN_PROBE_MS = 2000;
const PARALLEL_PROBES = 16;

export async function addressesOn(container: string, network: string): Promise<Addresses> {
  const info = (await inspect(container)) as {
    NetworkSettings: { Networks: Record<string, { IPAddress: string; GlobalIPv6Address: string }> };
  };
  const net = info.NetworkSettings.Networks[network];
  if (net === undefined || net.IPAddress === '' || net.GlobalIPv6Address === '') {
    throw new Error(`${container} has no IPv4 and IPv6 address on ${network}`);
  }
  return { v4: net.IPAddress, v6: net.GlobalIPv6Address };
}

/** Resolves to true when the peer answered within `ms`. */
export async function probe(flow: Flow, ms: number): Promise<boolean> {
  const argv = ['ww-probe', flow.proto, flow.to, String(flow.port), String(ms)];
  try {
    await execIn(flow.from, argv, { timeoutMs: ms + 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function describeFlow(f: Flow): string {
  return `${f.from} -> ${f.to} ${f.proto}/${f.port}`;
}

/** Every combination of protocol and port between a sender and the addresses of a receiver. */
export function flows(from: string, to: Addresses, ports: readonly number[]): Flow[] {
  return [to.v4, to.v6].flatMap((addr) =>
    (['tcp', 'udp'] as const).flatMap((proto) =>
      ports.map((port) => ({ from, to: addr, proto, port })),
    ),
  );
}

async function inBatches<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL_PROBES) {
    out.push(...(await Promise.all(items.slice(i, i + PARALLEL_PROBES).map(run))));
  }
  return out;
}

export interface TrafficExpectation {
  readonly open?: readonly Flow[];
  readonly closed?: readonly Flow[];
  /** How long open flows may take to start working (default 15 s). */
  readonly timeoutMs?: number;
}

/**
 * Waits until every open flow answers, then checks that no closed flow does. Throws naming
 * every flow that behaved otherwise.
 */
export async function expectTraffic(expect: TrafficExpectation): Promise<void> {
  const open = expect.open ?? [];
  let pending = [...open];
  try {
    await waitFor(
      'open flows to answer',
      async () => {
        const answered = await inBatches(pending, (f) => probe(f, OPEN_PROBE_MS));
        pending = pending.filter((_, i) => answered[i] !== true);
        return pending.length === 0;
      },
      { timeoutMs: expect.timeoutMs ?? 15_000, intervalMs: 200 },
    );
  } catch {
    throw new Error(`flows that must open did not:\n  ${pending.map(describeFlow).join('\n  ')}`);
  }

  const closed = expect.closed ?? [];
  const answered = await inBatches(closed, (f) => probe(f, CLOSED_PROBE_MS));
  const leaks = closed.filter((_, i) => answered[i] === true);
  if (leaks.length > 0) {
    throw new Error(
      `flows that must be dropped answered:\n  ${leaks.map(describeFlow).join('\n  ')}`,
    );
  }
}
