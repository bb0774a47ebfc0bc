/**
 * The containers the daemon's end-to-end tests use, and which flows each must allow.
 *
 * Every test container serves TCP and UDP on ports 80 and 81. A "web" container is enabled with
 * rules that open port 80 both ways and nothing else: it may connect to port 80 anywhere
 * (`output`), and its published port 80 is open to everyone (`mapped_ports.external`), which is
 * what lets a peer on the same bridge reach its port 80. A "deny" container is enabled without
 * rules: it may neither send nor receive. A "peer" is not managed: it plays the rest of the world.
 */
import { runTestContainer, type TestContainer, type TestContainerOptions } from './docker.ts';
import { addressesOn, flows, type Addresses, type Flow } from './traffic.ts';

export const ALLOWED_PORT = 80;
export const OTHER_PORT = 81;
const PORTS = [ALLOWED_PORT, OTHER_PORT];

export const WEB_RULES = `mapped_ports:
  external:
    allow: true
output:
  - proto: tcp
    dst_ports: [${ALLOWED_PORT}]
  - proto: udp
    dst_ports: [${ALLOWED_PORT}]
`;

export type Profile = 'web' | 'deny' | 'peer';

export function profileOptions(profile: Profile): TestContainerOptions {
  const base = { kind: profile, listen: PORTS };
  if (profile === 'peer') return base;
  if (profile === 'deny') return { ...base, labels: { 'whalewall.enabled': 'true' } };
  const publish = [`${ALLOWED_PORT}/tcp`, `${ALLOWED_PORT}/udp`];
  const labels = { 'whalewall.enabled': 'true', 'whalewall.rules': WEB_RULES };
  return { ...base, labels, publish };
}

export function runProfile(
  profile: Profile,
  network: string,
  extra: Partial<TestContainerOptions> = {},
): Promise<TestContainer> {
  return runTestContainer({ ...profileOptions(profile), network, ...extra });
}

export interface FlowSet {
  readonly open: Flow[];
  readonly closed: Flow[];
}

/** What a web container and an unmanaged peer on one network may exchange, both directions. */
export function webFlows(web: string, webAddr: Addresses, peer: string, peerAddr: Addresses) {
  const all = [...flows(web, peerAddr, PORTS), ...flows(peer, webAddr, PORTS)];
  return split(all, (f) => f.port === ALLOWED_PORT);
}

/** A deny-all container neither reaches the peer nor is reached by it, on any port. */
export function denyFlows(ctr: string, ctrAddr: Addresses, peer: string, peerAddr: Addresses) {
  const all = [...flows(ctr, peerAddr, PORTS), ...flows(peer, ctrAddr, PORTS)];
  return split(all, () => false);
}

/** Without whalewall, everything between the two answers. */
export function unfilteredFlows(a: string, aAddr: Addresses, b: string, bAddr: Addresses) {
  const all = [...flows(a, bAddr, PORTS), ...flows(b, aAddr, PORTS)];
  return split(all, () => true);
}

function split(all: readonly Flow[], isOpen: (f: Flow) => boolean): FlowSet {
  return { open: all.filter(isOpen), closed: all.filter((f) => !isOpen(f)) };
}

/** Merges flow sets, so several containers are checked in one parallel round. */
export function mergeFlows(...sets: readonly FlowSet[]): FlowSet {
  return { open: sets.flatMap((s) => s.open), closed: sets.flatMap((s) => s.closed) };
}

/** A running test container with the profile it was started with. */
export type PlacedContainer = TestContainer & { readonly profile: Profile };

/**
 * Every flow the managed containers must allow or refuse with the unmanaged `peer` on `network`,
 * merged so one parallel round checks them all.
 */
export async function flowsWithPeer(
  containers: readonly PlacedContainer[],
  peer: TestContainer,
  network: string,
): Promise<FlowSet> {
  const peerAddr = await addressesOn(peer.name, network);
  const sets = await Promise.all(
    containers.map(async (c) => {
      const addr = await addressesOn(c.name, network);
      return c.profile === 'web'
        ? webFlows(c.name, addr, peer.name, peerAddr)
        : denyFlows(c.name, addr, peer.name, peerAddr);
    }),
  );
  return mergeFlows(...sets);
}
