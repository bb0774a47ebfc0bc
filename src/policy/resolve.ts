/**
 * Resolves the names a label uses (`network: N`, `container: X`) against what Docker reports.
 *
 * - `network: N` is the attached network named `N`, else `<compose project>_N`, so compose users
 *   can write the name from their compose file.
 * - `container: X` is every running container whose name or compose service is `X` (one leading
 *   `/` ignored). When some of them belong to the referring container's compose project only
 *   those count, so service `db` of another project is not picked by accident. All replicas count.
 *   The referring container itself never counts.
 */
import type { ContainerInfo, NetworkAttachment } from '../docker/types.ts';

export function findNetwork(info: ContainerInfo, name: string): NetworkAttachment | undefined {
  const exact = info.networks.find((n) => n.networkName === name);
  if (exact !== undefined || info.composeProject === undefined) return exact;
  const scoped = `${info.composeProject}_${name}`;
  return info.networks.find((n) => n.networkName === scoped);
}

function isNamed(info: ContainerInfo, ref: string): boolean {
  return info.name === ref || info.composeService === ref;
}

/**
 * Candidates by every name a reference may use (name and compose service), so resolving the
 * references of 1000 containers is not 1000 scans of 1000 candidates.
 */
export function indexCandidates(
  candidates: readonly ContainerInfo[],
): ReadonlyMap<string, readonly ContainerInfo[]> {
  const index = new Map<string, ContainerInfo[]>();
  const add = (key: string | undefined, info: ContainerInfo) => {
    if (key === undefined) return;
    const list = index.get(key) ?? [];
    if (!list.includes(info)) list.push(info);
    index.set(key, list);
  };
  for (const info of candidates) {
    add(info.name, info);
    add(info.composeService, info);
  }
  return index;
}

/** The candidates that may answer to `ref`; pass them to findPeers. */
export function candidatesNamed(
  index: ReadonlyMap<string, readonly ContainerInfo[]>,
  ref: string,
): readonly ContainerInfo[] {
  return index.get(ref.startsWith('/') ? ref.slice(1) : ref) ?? [];
}

export function findPeers(
  self: ContainerInfo,
  ref: string,
  candidates: readonly ContainerInfo[],
): ContainerInfo[] {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const found = candidates.filter((c) => c.running && c.id !== self.id && isNamed(c, name));
  const project = self.composeProject;
  const sameProject = found.filter((c) => project !== undefined && c.composeProject === project);
  return sameProject.length > 0 ? sameProject : found;
}

/** The peer's attachment to the same Docker network as `attachment`, if it has one. */
export function sharedAttachment(
  peer: ContainerInfo,
  attachment: NetworkAttachment,
): NetworkAttachment | undefined {
  return peer.networks.find((n) => n.networkId === attachment.networkId);
}
