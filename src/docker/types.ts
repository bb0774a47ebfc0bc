/**
 * What the Docker engine reports about containers, reduced to the plain data whalewall uses.
 * Produced by the Docker client from inspect results; consumed by the policy layer.
 */

export interface NetworkAttachment {
  readonly networkId: string;
  /** The network's name as Docker reports it, e.g. `myproject_default`. */
  readonly networkName: string;
  readonly ipv4?: string;
  readonly ipv6?: string;
  readonly gatewayV4?: string;
  readonly gatewayV6?: string;
}

/** One host binding of a published container port. */
export interface PortBinding {
  readonly containerPort: number;
  readonly proto: 'tcp' | 'udp' | 'sctp';
  /** Host address as Docker reports it: `0.0.0.0`, `::`, `127.0.0.1`, or empty for any. */
  readonly hostIp: string;
  readonly hostPort: number;
}

export interface ContainerInfo {
  /** Full 64-hex container ID. */
  readonly id: string;
  /** Name without Docker's leading slash. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly running: boolean;
  /** `HostConfig.NetworkMode`: `bridge`, `host`, `none`, `container:<id>` or a network name. */
  readonly networkMode: string;
  readonly networks: readonly NetworkAttachment[];
  readonly ports: readonly PortBinding[];
  readonly composeProject?: string;
  readonly composeService?: string;
}
