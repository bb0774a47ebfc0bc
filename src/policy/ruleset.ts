/**
 * The data the policy layer produces: the desired content of whalewall's nftables table, and the
 * changes that turn one such content into another.
 *
 * Everything here is plain, JSON-serialisable data in a stable order, so the daemon can store it,
 * compare it chain by chain, and diff what the kernel holds against what should be there. The
 * nft layer renders it; it never needs to know about labels or Docker.
 */
import type { ContainerInfo } from '../docker/types.ts';
import type { ErrorCode } from '../errors.ts';
import type { AddrRange, PortRange, RulesConfig } from '../labels/model.ts';

export interface ManagedContainer {
  readonly info: ContainerInfo;
  readonly rules: RulesConfig;
  /** A quarantined container gets a deny-all chain; its rules are ignored. */
  readonly quarantined: boolean;
}

/** A reference in a label that could not be turned into rules as written. */
export interface PolicyProblem {
  readonly code: ErrorCode;
  readonly containerId: string;
  /** The label rule concerned, e.g. `output[2]`. */
  readonly path: string;
  readonly message: string;
}

export type IpFamily = 'ip' | 'ip6';
export type L4Proto = 'tcp' | 'udp' | 'icmp' | 'icmpv6';

/** `established` always includes `related`. */
export type CtState = 'new' | 'established' | 'new,established';

export type RuleVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'queue'; readonly num: number };

/**
 * One rule, matched in this order: addresses, protocol, ports, connection state; then a counter,
 * an optional log statement and the verdict. An absent field matches anything.
 */
export interface RuleSpec {
  /** Which container and which label rule produced it, e.g. `api-1 output[2]`. */
  readonly comment: string;
  /** Present whenever an address is matched. */
  readonly family?: IpFamily;
  readonly saddr?: readonly AddrRange[];
  readonly daddr?: readonly AddrRange[];
  readonly proto?: L4Proto;
  readonly sport?: readonly PortRange[];
  readonly dport?: readonly PortRange[];
  readonly state?: CtState;
  readonly logPrefix?: string;
  readonly verdict: RuleVerdict;
  /** Only in rules read back from the kernel that whalewall did not write: their raw JSON. */
  readonly unrecognised?: string;
}

/** A container's chain: its rules top to bottom, the last one a logged drop. */
export interface ChainSpec {
  readonly name: string;
  readonly rules: readonly RuleSpec[];
}

/** An entry of the dispatch maps: packets from or to `addr` jump to `chain`. */
export interface MapElement {
  readonly family: IpFamily;
  readonly addr: string;
  readonly chain: string;
}

export interface DesiredRuleset {
  /** Container chains, sorted by name. */
  readonly chains: readonly ChainSpec[];
  /** Rules of the shared chain that stops the host reaching published ports over loopback. */
  readonly localhost: readonly RuleSpec[];
  /** Map elements sorted by family, then address. */
  readonly elements: readonly MapElement[];
}

/** What to do to the kernel so that it holds a desired ruleset; rendered as one transaction. */
export interface ChangeSet {
  readonly addChains: readonly ChainSpec[];
  /** Chains that exist and get their rules replaced (flush, then add). */
  readonly replaceChains: readonly ChainSpec[];
  readonly deleteChains: readonly string[];
  /** The new content of the localhost chain, when it changes. */
  readonly localhost?: readonly RuleSpec[];
  /** When it changes, the localhost drops to take away and to add, so no rewrite is needed. */
  readonly localhostDelete?: readonly RuleSpec[];
  readonly localhostAdd?: readonly RuleSpec[];
  readonly deleteElements: readonly MapElement[];
  readonly addElements: readonly MapElement[];
}

export const EMPTY_RULESET: DesiredRuleset = { chains: [], localhost: [], elements: [] };
