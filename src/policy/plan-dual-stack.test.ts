import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerInfo } from '../docker/types.ts';
import { ACCEPT, C1, ID1, managed, ports, rules } from './fixtures/containers.ts';
import { planRuleset } from './plan.ts';
import { ruleText } from './rule-text.ts';

const dual: ContainerInfo = {
  id: ID1,
  name: 'container1',
  labels: {},
  running: true,
  networkMode: 'cont_net',
  networks: [
    {
      networkId: 'n1',
      networkName: 'cont_net',
      ipv4: '172.0.1.2',
      gatewayV4: '172.0.1.1',
      ipv6: 'fd00:1::2',
      gatewayV6: 'fd00:1::1',
    },
  ],
  ports: [],
};

describe('planRuleset (dual stack)', () => {
  it('maps both addresses of a container to its chain', () => {
    const { desired } = planRuleset([managed(dual, rules({}))]);
    assert.deepEqual(desired.elements, [
      { family: 'ip', addr: '172.0.1.2', chain: C1 },
      { family: 'ip6', addr: 'fd00:1::2', chain: C1 },
    ]);
  });

  it('makes one rule per family from an ips list holding both families', () => {
    const ips = {
      v4: [{ from: '10.99.1.1', to: '10.99.1.1' }],
      v6: [{ from: 'fd00:99::1', to: 'fd00:99::1' }],
    };
    const rule = {
      path: 'output[0]',
      ips,
      proto: 'tcp' as const,
      dstPorts: ports(443),
      verdict: ACCEPT,
    };
    const { desired } = planRuleset([managed(dual, rules({ output: [rule] }))]);
    const texts = desired.chains[0]?.rules.map(ruleText) ?? [];
    assert.equal(texts.length, 5);
    assert.match(texts[0] ?? '', /^ip saddr 172\.0\.1\.2 ip daddr 10\.99\.1\.1 tcp dport 443/u);
    assert.match(texts[2] ?? '', /^ip6 saddr fd00:1::2 ip6 daddr fd00:99::1 tcp dport 443/u);
  });

  it('keeps a log prefix within 127 bytes for the longest container name', () => {
    const long = { ...dual, name: 'x'.repeat(200) };
    const rule = {
      path: 'output[0]',
      logPrefix: 'p'.repeat(64),
      proto: 'udp' as const,
      verdict: ACCEPT,
    };
    const { desired } = planRuleset([managed(long, rules({ output: [rule] }))]);
    const prefixes = desired.chains.flatMap((c) => c.rules.flatMap((r) => r.logPrefix ?? []));
    assert.ok(prefixes.length > 0);
    for (const p of prefixes) assert.ok(Buffer.byteLength(p) <= 127, p);
    assert.ok(prefixes.some((p) => p.endsWith(`${'p'.repeat(64)}: `)));
  });
});
