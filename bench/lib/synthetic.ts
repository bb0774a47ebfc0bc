/**
 * Containers that exist only as data: Docker's facts about a managed container with about ten
 * rules (a published port open to everyone, HTTPS and DNS out, one peer), for loading 1000
 * containers' worth of state where this 2-core machine cannot run 1000 containers.
 *
 * Addresses come from 10.240.0.0/12-style ranges no real network here uses (10.24x.x.x and
 * fd00:77:ffff::/48); nothing is ever sent to them.
 */
import type { ContainerInfo } from '../../src/docker/types.ts';

export const SYNTHETIC_V4_PREFIX = '10.240.0.0/13';

const RULES = (peer: number) =>
  [
    'mapped_ports:',
    '  external:',
    '    allow: true',
    'output:',
    '  - proto: tcp',
    '    dst_ports: [443]',
    '  - proto: udp',
    '    dst_ports: [53]',
    '  - network: wwbench-synthetic',
    `    container: wwbench-syn-${peer}`,
    '',
  ].join('\n');

/** Synthetic container number `i` (1-based), whose peer is container `i + 1`. */
export function syntheticInfo(i: number): ContainerInfo {
  return {
    id: (0xbe000000 + i).toString(16).padEnd(64, '0'),
    name: `wwbench-syn-${i}`,
    labels: { 'whalewall.enabled': 'true', 'whalewall.rules': RULES(i + 1) },
    running: true,
    networkMode: 'wwbench-synthetic',
    networks: [
      {
        networkId: 'wwbench-synthetic',
        networkName: 'wwbench-synthetic',
        ipv4: `10.${240 + ((i >> 16) & 7)}.${(i >> 8) & 255}.${i & 255}`,
        ipv6: `fd00:77:ffff::${i.toString(16)}`,
        gatewayV4: '10.240.0.1',
        gatewayV6: 'fd00:77:ffff::1',
      },
    ],
    ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 20000 + i }],
  };
}

export function syntheticInfos(count: number, first = 2): ContainerInfo[] {
  return [...Array(count).keys()].map((k) => syntheticInfo(first + k));
}
