import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { WhalewallError } from '../errors.ts';
import { parseInspect } from './inspect.ts';

const dualStack: unknown = JSON.parse(
  readFileSync(new URL('fixtures/inspect-dual-stack.json', import.meta.url), 'utf8'),
);

describe('parseInspect', () => {
  const info = parseInspect(dualStack);

  it('takes the name without its slash, the labels and the compose project and service', () => {
    assert.equal(info.name, 'shop-web-1');
    assert.equal(info.labels['whalewall.enabled'], 'true');
    assert.equal(info.composeProject, 'shop');
    assert.equal(info.composeService, 'web');
    assert.equal(info.running, true);
    assert.equal(info.networkMode, 'shop_default');
  });

  it('lists every network with its IPv4 and IPv6 addresses and gateways', () => {
    assert.deepEqual(info.networks, [
      {
        networkId: 'f3e36ee3c02480bb7b63cb949d634ed52abcd163d01facaf9a9cc6a9ddb02a7c',
        networkName: 'shop_default',
        ipv4: '10.230.7.2',
        ipv6: 'fd00:77:e6:7::2',
        gatewayV4: '10.230.7.1',
        gatewayV6: 'fd00:77:e6:7::1',
      },
      {
        networkId: '0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff0',
        networkName: 'shop_backend',
        ipv4: '10.230.8.5',
        gatewayV4: '10.230.8.1',
      },
    ]);
  });

  it('lists IPv4 and IPv6 host bindings and skips exposed ports that are not published', () => {
    assert.deepEqual(info.ports, [
      { containerPort: 443, proto: 'udp', hostIp: '::', hostPort: 8443 },
      { containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 },
      { containerPort: 80, proto: 'tcp', hostIp: '::', hostPort: 8080 },
      { containerPort: 9000, proto: 'tcp', hostIp: '127.0.0.1', hostPort: 9000 },
      { containerPort: 9100, proto: 'tcp', hostIp: '', hostPort: 9100 },
    ]);
  });

  it('reads a stopped host-network container with no labels', () => {
    const stopped = parseInspect({
      Id: 'c'.repeat(64),
      Name: '/probe',
      State: { Running: false },
      Config: { Labels: null },
      HostConfig: { NetworkMode: 'host' },
      NetworkSettings: { Networks: { host: { NetworkID: 'h', IPAddress: '' } }, Ports: {} },
    });
    assert.deepEqual(stopped, {
      id: 'c'.repeat(64),
      name: 'probe',
      labels: {},
      running: false,
      networkMode: 'host',
      networks: [{ networkId: 'h', networkName: 'host' }],
      ports: [],
    });
  });

  it('refuses an answer without a container ID', () => {
    assert.throws(
      () => parseInspect({ Name: '/x' }),
      (err) => err instanceof WhalewallError && err.code === 'ERR_DOCKER_REQUEST',
    );
  });
});
