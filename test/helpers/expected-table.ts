/**
 * What whalewall's table must hold for a test's containers, worked out from Docker alone: one
 * chain per running enabled container, named after it, and each of its addresses on each network
 * mapped to that chain. Compared with the kernel, restricted to what this test process owns
 * (chains of its containers, addresses of its networks), so leftovers of other runs do not count.
 */
import { deepStrictEqual } from 'node:assert/strict';
import { inspect, OWN_PREFIX, waitFor, type TestNetwork } from './docker.ts';
import { chainNameOf, requireKernelTable, type KernelTable } from './kernel-table.ts';

export interface Dispatch {
  readonly chains: readonly string[];
  readonly elements: Readonly<Record<string, string>>;
}

interface InspectedContainer {
  readonly Id: string;
  readonly Name: string;
  readonly State: { readonly Running: boolean };
  readonly NetworkSettings: {
    readonly Networks: Readonly<Record<string, { IPAddress: string; GlobalIPv6Address: string }>>;
  };
}

async function inspectIfExists(ref: string): Promise<InspectedContainer | undefined> {
  try {
    return (await inspect(ref)) as InspectedContainer;
  } catch (err) {
    if (/No such object/iu.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** The dispatch Docker's present state calls for: `enabled` names the containers that must have a chain. */
export async function expectedDispatch(enabled: readonly string[]): Promise<Dispatch> {
  const chains: string[] = [];
  const elements: [string, string][] = [];
  for (const ref of enabled) {
    const info = await inspectIfExists(ref);
    if (info?.State.Running !== true) continue;
    const chain = chainNameOf({ name: info.Name.replace(/^\//u, ''), id: info.Id });
    chains.push(chain);
    for (const net of Object.values(info.NetworkSettings.Networks)) {
      if (net.IPAddress !== '') elements.push([`ip ${net.IPAddress}`, chain]);
      if (net.GlobalIPv6Address !== '') elements.push([`ip6 ${net.GlobalIPv6Address}`, chain]);
    }
  }
  elements.sort(([a], [b]) => a.localeCompare(b));
  return { chains: chains.sort(), elements: Object.fromEntries(elements) };
}

function isInNetworks(key: string, networks: readonly TestNetwork[]): boolean {
  const addr = key.replace(/^ip6? /u, '');
  return networks.some(
    (n) =>
      addr.startsWith(n.subnetV4.replace(/0\/24$/u, '')) ||
      addr.startsWith(n.subnetV6.replace(/:\/64$/u, '')),
  );
}

/** The part of the kernel's dispatch that belongs to this test process. */
export function ownDispatch(table: KernelTable, networks: readonly TestNetwork[]): Dispatch {
  const chains = Object.keys(table.chains).filter((c) => c.startsWith(`whalewall-${OWN_PREFIX}`));
  const elements = Object.entries(table.elements).filter(
    ([key, chain]) => chain.startsWith(`whalewall-${OWN_PREFIX}`) || isInNetworks(key, networks),
  );
  return { chains: chains.sort(), elements: Object.fromEntries(elements) };
}

/**
 * Waits until the kernel's dispatch for this test's containers is exactly what Docker's state
 * calls for; on timeout the error shows both.
 */
export async function waitForKernelDispatch(
  enabled: readonly string[],
  networks: readonly TestNetwork[],
  timeoutMs = 20_000,
): Promise<Dispatch> {
  let last: { want: Dispatch; got: Dispatch } | undefined;
  try {
    return await waitFor(
      'the kernel to hold exactly the desired chains and map elements',
      async () => {
        const want = await expectedDispatch(enabled);
        const got = ownDispatch(await requireKernelTable(), networks);
        last = { want, got };
        deepStrictEqual(got, want);
        return got;
      },
      { timeoutMs, intervalMs: 200 },
    );
  } catch (err) {
    const detail =
      last === undefined
        ? ''
        : `\nwant ${JSON.stringify(last.want, null, 1)}\ngot ${JSON.stringify(last.got, null, 1)}`;
    throw new Error(`${(err as Error).message}${detail}`, { cause: err });
  }
}
