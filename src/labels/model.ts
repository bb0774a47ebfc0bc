/**
 * The normalised form of a container's `whalewall.rules` label: what the policy layer consumes.
 *
 * Everything here is already validated. Port and address lists are merged into sorted, disjoint,
 * inclusive intervals, split by address family, so no later layer parses text again.
 */

/** Inclusive port interval, 1 ≤ from ≤ to ≤ 65535. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/**
 * Inclusive address interval of one family, both ends in canonical text (dotted quad for IPv4,
 * RFC 5952 for IPv6). A single address has from === to.
 */
export interface AddrRange {
  readonly from: string;
  readonly to: string;
}

/** Addresses by family, each list sorted and merged (no overlapping or adjacent intervals). */
export interface AddrSet {
  readonly v4: readonly AddrRange[];
  readonly v6: readonly AddrRange[];
}

/** `icmp` matches ICMP over IPv4 only and `icmpv6` ICMPv6 over IPv6 only. */
export type Proto = 'tcp' | 'udp' | 'icmp' | 'icmpv6';

/**
 * What a matching packet gets. `queue` sends new packets to nfqueue `queue`; established packets
 * go to the per-direction queues when both are set, and are accepted otherwise.
 */
export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'chain'; readonly chain: string }
  | {
      readonly kind: 'queue';
      readonly queue: number;
      readonly inputEstQueue?: number;
      readonly outputEstQueue?: number;
    };

/** One entry of `output`. Absent fields match anything. */
export interface OutputRule {
  /** Where the rule came from, e.g. `output[2]`; used in nftables rule comments. */
  readonly path: string;
  readonly logPrefix?: string;
  readonly network?: string;
  readonly ips?: AddrSet;
  readonly container?: string;
  readonly proto?: Proto;
  readonly srcPorts?: readonly PortRange[];
  readonly dstPorts?: readonly PortRange[];
  readonly verdict: Verdict;
}

/** `mapped_ports.localhost`: traffic the host itself sends to the container's published ports. */
export interface LocalhostAccess {
  readonly allow: boolean;
  readonly logPrefix?: string;
  readonly verdict: Verdict;
}

/** `mapped_ports.external`: traffic from other hosts to the published ports. */
export interface ExternalAccess {
  readonly allow: boolean;
  readonly logPrefix?: string;
  /** Allowed sources; absent means any source. */
  readonly ips?: AddrSet;
  readonly verdict: Verdict;
}

export interface RulesConfig {
  readonly localhost: LocalhostAccess;
  readonly external: ExternalAccess;
  readonly output: readonly OutputRule[];
}

/**
 * The kernel keeps 127 bytes of a log prefix. whalewall writes `<container part> <user part>: `
 * where the container part is `whalewall-<name cut to 37 bytes>-<12 hex id>` (at most 60 bytes),
 * so a user's `log_prefix` may take at most 127 - 60 - 1 - 2 = 64 bytes.
 */
export const KERNEL_LOG_PREFIX_MAX_BYTES = 127;
export const CONTAINER_LOG_PART_MAX_BYTES = 60;
export const USER_LOG_PREFIX_MAX_BYTES =
  KERNEL_LOG_PREFIX_MAX_BYTES - CONTAINER_LOG_PART_MAX_BYTES - 3;

/** The rules of a container without a `whalewall.rules` label: deny everything. */
export const DENY_ALL: RulesConfig = {
  localhost: { allow: false, verdict: { kind: 'accept' } },
  external: { allow: false, verdict: { kind: 'accept' } },
  output: [],
};
