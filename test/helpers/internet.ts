/**
 * "The internet" for end-to-end tests: a network namespace reached from the host through a veth,
 * holding addresses of a 10.x and an fd00:: range of the test's own. Containers reach it through
 * the host (routed, and masqueraded by Docker); it reaches the host's published ports through the
 * veth, like an external client. Blackhole routes on the host keep the whole test range from ever
 * leaving the machine, even after the namespace is gone.
 */
import { NetnsAgent, addAddress, addRoute, createNetns, deleteNetns, run } from './netns.ts';

export interface InternetOptions {
  /** Extra addresses inside the namespace (IPv4 in 10.180.1.0/24, IPv6 in fd00:180:1::/64). */
  readonly addresses: readonly string[];
  /** Ports served on TCP and UDP on every address. */
  readonly ports: readonly number[];
}

export interface Internet {
  readonly ns: string;
  /** The host's side of the link: what an external client connects to for published ports. */
  readonly hostV4: string;
  readonly hostV6: string;
  /** The namespace's own link addresses. */
  readonly nsV4: string;
  readonly nsV6: string;
  readonly agent: NetnsAgent;
  close(): void;
}

const RANGE_V4 = '10.180.0.0/16';
const RANGE_V6 = 'fd00:180::/32';
const LINK = {
  hostV4: '10.180.0.1',
  nsV4: '10.180.0.2',
  hostV6: 'fd00:180::1',
  nsV6: 'fd00:180::2',
};

function hostRoute(args: readonly string[]): void {
  try {
    run(undefined, ['ip', ...args]);
  } catch {
    // Already there (add) or already gone (del).
  }
}

function removeHostRoutes(): void {
  hostRoute(['route', 'del', 'blackhole', RANGE_V4]);
  hostRoute(['-6', 'route', 'del', 'blackhole', RANGE_V6]);
}

function wire(ns: string, hostDev: string, addresses: readonly string[]): void {
  const veth = ['link', 'add', hostDev, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns];
  run(undefined, ['ip', ...veth]);
  run(undefined, ['ip', 'link', 'set', hostDev, 'up']);
  run(ns, ['ip', 'link', 'set', 'eth0', 'up']);
  hostRoute(['route', 'add', 'blackhole', RANGE_V4]);
  hostRoute(['-6', 'route', 'add', 'blackhole', RANGE_V6]);

  addAddress(ns, 'eth0', `${LINK.nsV4}/24`);
  addAddress(ns, 'eth0', `${LINK.nsV6}/64`);
  run(undefined, ['ip', 'addr', 'add', `${LINK.hostV4}/24`, 'dev', hostDev]);
  run(undefined, ['ip', '-6', 'addr', 'add', `${LINK.hostV6}/64`, 'dev', hostDev, 'nodad']);
  for (const addr of addresses) {
    addAddress(ns, 'eth0', addr.includes(':') ? `${addr}/128` : `${addr}/32`);
  }
  hostRoute(['route', 'add', '10.180.1.0/24', 'via', LINK.nsV4]);
  hostRoute(['-6', 'route', 'add', 'fd00:180:1::/64', 'via', LINK.nsV6]);
  // Replies to containers: Docker masquerades IPv4, but routes cover both families either way.
  addRoute(ns, '10.0.0.0/8', LINK.hostV4);
  addRoute(ns, 'fd00::/8', LINK.hostV6);
}

export async function createInternet(opts: InternetOptions): Promise<Internet> {
  const ns = `wwinet-${process.pid}`;
  const hostDev = `wwi${process.pid % 1_000_000}`;
  deleteNetns(ns);
  createNetns(ns);
  try {
    wire(ns, hostDev, opts.addresses);
  } catch (err) {
    deleteNetns(ns);
    removeHostRoutes();
    throw err;
  }

  const agent = new NetnsAgent(ns);
  await agent.ready;
  for (const port of opts.ports) {
    await agent.listen('tcp', '0.0.0.0', port);
    await agent.listen('udp', '0.0.0.0', port);
    await agent.listen('tcp', '::', port);
    await agent.listen('udp', '::', port);
  }
  return {
    ns,
    ...LINK,
    agent,
    close: () => {
      agent.close();
      deleteNetns(ns);
      removeHostRoutes();
    },
  };
}
