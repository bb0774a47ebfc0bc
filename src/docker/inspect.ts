/**
 * Turns the JSON of `GET /containers/{id}/json` into `ContainerInfo`. Only the fields whalewall
 * uses are read; anything missing or mistyped becomes "absent" rather than a crash, except the
 * container's ID, without which the result is refused.
 */
import { WhalewallError } from '../errors.ts';
import type { ContainerInfo, NetworkAttachment, PortBinding } from './types.ts';

type Json = Record<string, unknown>;

const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A non-empty string, or no property at all (exactOptionalPropertyTypes). */
function optional<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  const text = str(value);
  return (text === '' ? {} : { [key]: text }) as { [P in K]?: string };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(obj(value))) {
    if (typeof item === 'string') out[key] = item;
  }
  return out;
}

export function parseInspect(json: unknown): ContainerInfo {
  const root = obj(json);
  const id = str(root['Id']);
  if (!/^[0-9a-f]{64}$/.test(id)) {
    throw new WhalewallError('ERR_DOCKER_REQUEST', 'Docker returned a container without an ID');
  }
  const labels = stringRecord(obj(root['Config'])['Labels']);
  const settings = obj(root['NetworkSettings']);

  return {
    id,
    name: str(root['Name']).replace(/^\//, ''),
    labels,
    running: obj(root['State'])['Running'] === true,
    networkMode: str(obj(root['HostConfig'])['NetworkMode']),
    networks: parseNetworks(settings['Networks']),
    ports: parsePorts(settings['Ports']),
    ...optional('composeProject', labels[COMPOSE_PROJECT]),
    ...optional('composeService', labels[COMPOSE_SERVICE]),
  };
}

/** `NetworkSettings.Networks`: keyed by network name; empty addresses mean "none". */
function parseNetworks(value: unknown): NetworkAttachment[] {
  return Object.entries(obj(value)).map(([networkName, raw]) => {
    const net = obj(raw);
    return {
      networkId: str(net['NetworkID']),
      networkName,
      ...optional('ipv4', net['IPAddress']),
      ...optional('ipv6', net['GlobalIPv6Address']),
      ...optional('gatewayV4', net['Gateway']),
      ...optional('gatewayV6', net['IPv6Gateway']),
    };
  });
}

/**
 * `NetworkSettings.Ports`: `{"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, ...]}`; an
 * exposed but unpublished port maps to null. IPv4 and IPv6 bindings are separate entries.
 */
function parsePorts(value: unknown): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(obj(value))) {
    const match = /^(\d+)\/(tcp|udp|sctp)$/.exec(key);
    if (match === null || !Array.isArray(bindings)) continue;
    const containerPort = Number(match[1]);
    const proto = match[2] as PortBinding['proto'];
    for (const raw of bindings) {
      const hostPort = Number(str(obj(raw)['HostPort']));
      if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) continue;
      out.push({ containerPort, proto, hostIp: str(obj(raw)['HostIp']), hostPort });
    }
  }
  return out;
}
