/**
 * What the state store keeps: the containers whalewall manages, with what it applied for each,
 * and a history of every change and rejection. The daemon codes against `StateStore`; tests may
 * use a fake of it.
 */

export type ContainerStatus = 'enforced' | 'quarantined' | 'unfilterable';

/** A problem that made a container quarantined or unfilterable, as logged and shown by status. */
export interface StoredReason {
  readonly code: string;
  readonly message: string;
  readonly label?: string;
  readonly path?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface ContainerRecord {
  /** Full 64-hex container ID. */
  readonly id: string;
  readonly name: string;
  readonly status: ContainerStatus;
  readonly reasons: readonly StoredReason[];
  /** Every address whalewall mapped to this container's chain, IPv4 and IPv6. */
  readonly addrs: readonly string[];
  readonly ruleCount: number;
  /**
   * JSON of what was put into the kernel for this container (chain, map elements), enough to
   * remove all of it after a crash even when Docker no longer knows the container.
   */
  readonly applied: string;
  /** ISO 8601 time of the change. */
  readonly updatedAt: string;
}

export type HistoryKind = 'applied' | 'removed' | 'rejected';

export interface HistoryRecord {
  readonly at: string;
  readonly containerId: string;
  readonly containerName: string;
  /** `rejected` when the change quarantined the container, `removed` when it was forgotten. */
  readonly kind: HistoryKind;
  readonly status?: ContainerStatus;
  readonly ruleCount: number;
  readonly applied: string;
  readonly reasons: readonly StoredReason[];
  /** How long applying the change took, when the caller measured it. */
  readonly ms?: number;
}

export interface HistoryQuery {
  /** Only entries at or before this time (ISO 8601, any offset). */
  readonly until?: string;
  /** At most this many entries, newest first. */
  readonly limit?: number;
}

export interface StateStore {
  /** Inserts or replaces the container and appends a history entry, in one transaction. */
  saveContainer(rec: ContainerRecord, ms?: number): void;
  /** Deletes the container and appends a `removed` entry; a no-op for an unknown ID. */
  removeContainer(id: string, at: string): void;
  listContainers(): readonly ContainerRecord[];
  getContainer(id: string): ContainerRecord | undefined;
  /** Containers that were given `addr`; more than one only while a stale record awaits removal. */
  findByAddr(addr: string): readonly ContainerRecord[];
  /**
   * History of a container by full ID, ID prefix (12+ hex) or name, newest first. The state a
   * container had at time T is `historyOf(x, { until: T, limit: 1 })[0]`.
   */
  historyOf(idOrName: string, query?: HistoryQuery): readonly HistoryRecord[];
  /** Deletes history entries older than `before`; resolves to how many were deleted. */
  pruneHistory(before: string): number;
  close(): void;
}

export interface StateStoreOptions {
  /** Open an existing database without creating, migrating or writing (for `status`). */
  readonly readOnly?: boolean;
}
