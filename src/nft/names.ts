/** The fixed objects of whalewall's table, shared by rendering and read-back. */
import type { IpFamily } from '../policy/ruleset.ts';

export const TABLE = { family: 'inet', name: 'whalewall' } as const;

/** Spread into chains, rules, maps and elements: the table they belong to. */
export const IN_TABLE = { family: TABLE.family, table: TABLE.name } as const;

/** Drops host connections over loopback to published ports; jumped from `output`. */
export const LOCALHOST_CHAIN = 'published-ports-localhost';

/** `protocol . host port` of the published ports the localhost chain drops, per family. */
export function localhostSetName(family: IpFamily): string {
  return family === 'ip' ? 'published-ports-localhost-v4' : 'published-ports-localhost-v6';
}

/** Container chains start with this; anything else in the table is base or operator owned. */
export const CONTAINER_CHAIN_PREFIX = 'whalewall-';

export const BASE_CHAINS = ['forward', 'input', 'output'] as const;

export function mapName(family: IpFamily): string {
  return family === 'ip' ? 'container-addrs-v4' : 'container-addrs-v6';
}

/** Names an operator's chain may not take. */
export function isReservedChainName(name: string): boolean {
  return (
    name.startsWith(CONTAINER_CHAIN_PREFIX) ||
    name === LOCALHOST_CHAIN ||
    (BASE_CHAINS as readonly string[]).includes(name)
  );
}
