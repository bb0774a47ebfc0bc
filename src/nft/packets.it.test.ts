/**
 * Real packets through whalewall's table, in namespaces this test creates: "host" (bridge, NAT
 * for published ports, the table), two "containers" on the bridge and an "external host" routed
 * through the host. For each rule kind a TCP connection and a UDP exchange must get their reply,
 * and one of each must be dropped; range edges (first, last, last + 1) are probed for ports and
 * addresses, over IPv4 and IPv6. Needs root.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ContainerInfo } from '../docker/types.ts';
import type { AddrSet, RulesConfig } from '../labels/model.ts';
import { diffRulesets, EMPTY_RULESET, planRuleset } from '../policy/index.ts';
import {
  addAddress,
  addBridge,
  addRoute,
  addVeth,
  attachToBridge,
  blackhole,
  createNetns,
  deleteNetns,
  enableForwarding,
  enterNetns,
  NetnsAgent,
  run,
  type ProbeOutcome,
  type ProbeSpec,
} from '../../test/helpers/netns.ts';
import { NftFirewall } from './firewall.ts';

const P = `wwp${process.pid}`;
const NS = { host: `${P}-h`, a: `${P}-a`, b: `${P}-b`, ext: `${P}-x` };
const V4 = {
  gw: '10.88.0.1',
  a: '10.88.0.2',
  b: '10.88.0.3',
  hostExt: '10.89.0.1',
  ext: '10.89.0.2',
};
const V6 = {
  gw: 'fd00:88::1',
  a: 'fd00:88::2',
  b: 'fd00:88::3',
  hostExt: 'fd00:89::1',
  ext: 'fd00:89::2',
};
const EXTRA4 = ['10.89.0.10', '10.89.0.20', '10.89.0.21'];
const EXTRA6 = ['fd00:89::10', 'fd00:89::20', 'fd00:89::21'];
const DROP_MS = 400;
const ACCEPT = { kind: 'accept' } as const;

function info(name: string, id: string, v4: string, v6: string, ports: ContainerInfo['ports']) {
  const network = { networkId: 'n1', networkName: 'testnet', ipv4: v4, ipv6: v6 };
  const gateways = { gatewayV4: V4.gw, gatewayV6: V6.gw };
  return {
    id: id.repeat(32),
    name,
    labels: {},
    running: true,
    networkMode: 'testnet',
    networks: [{ ...network, ...gateways }],
    ports,
  } satisfies ContainerInfo;
}

const RANGE: AddrSet = {
  v4: [{ from: '10.89.0.10', to: '10.89.0.20' }],
  v6: [{ from: 'fd00:89::10', to: 'fd00:89::20' }],
};
const FROM_EXT: AddrSet = {
  v4: [{ from: V4.ext, to: V4.ext }],
  v6: [{ from: V6.ext, to: V6.ext }],
};

const RULES_A: RulesConfig = {
  localhost: { allow: false, verdict: ACCEPT },
  external: { allow: true, ips: FROM_EXT, verdict: ACCEPT },
  output: (['tcp', 'udp'] as const).flatMap((proto, i) => [
    {
      path: `output[${i}]`,
      ips: RANGE,
      proto,
      dstPorts: [{ from: 1000, to: 1010 }],
      verdict: ACCEPT,
    },
    {
      path: `output[${i + 2}]`,
      container: 'container2',
      network: 'testnet',
      proto,
      dstPorts: [{ from: 7000, to: 7000 }],
      verdict: ACCEPT,
    },
  ]),
};

const RULES_B: RulesConfig = {
  localhost: { allow: true, verdict: ACCEPT },
  external: { allow: false, verdict: ACCEPT },
  output: [],
};

function published(port: number, proto: 'tcp' | 'udp', hostPort: number) {
  return ['0.0.0.0', '::'].map((hostIp) => ({ containerPort: port, proto, hostIp, hostPort }));
}

function buildTopology(): void {
  for (const ns of Object.values(NS)) createNetns(ns);
  addBridge(NS.host, 'br0');
  addAddress(NS.host, 'br0', `${V4.gw}/24`);
  addAddress(NS.host, 'br0', `${V6.gw}/64`);
  for (const [ns, dev, v4, v6] of [
    [NS.a, 'va', V4.a, V6.a],
    [NS.b, 'vb', V4.b, V6.b],
  ] as const) {
    addVeth({ ns: NS.host, dev }, { ns, dev: 'eth0' });
    attachToBridge(NS.host, dev, 'br0');
    addAddress(ns, 'eth0', `${v4}/24`);
    addAddress(ns, 'eth0', `${v6}/64`);
    run(ns, ['ip', 'route', 'add', 'default', 'via', V4.gw]);
    run(ns, ['ip', '-6', 'route', 'add', 'default', 'via', V6.gw]);
    addRoute(ns, '10.89.0.0/24', V4.gw);
    addRoute(ns, 'fd00:89::/64', V6.gw);
  }
  addVeth({ ns: NS.host, dev: 'vx' }, { ns: NS.ext, dev: 'eth0' });
  addAddress(NS.host, 'vx', `${V4.hostExt}/24`);
  addAddress(NS.host, 'vx', `${V6.hostExt}/64`);
  for (const a of [V4.ext, ...EXTRA4]) addAddress(NS.ext, 'eth0', `${a}/24`);
  for (const a of [V6.ext, ...EXTRA6]) addAddress(NS.ext, 'eth0', `${a}/64`);
  addRoute(NS.ext, '10.88.0.0/24', V4.hostExt);
  addRoute(NS.ext, 'fd00:88::/64', V6.hostExt);
  for (const ns of Object.values(NS)) blackhole(ns, '10.0.0.0/8', 'fd00::/8');
  enableForwarding(NS.host);
  // Bridged container ↔ container packets reach the inet forward hook only with these on.
  run(NS.host, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-iptables=1']);
  run(NS.host, ['sysctl', '-qw', 'net.bridge.bridge-nf-call-ip6tables=1']);
  // Docker's DNAT of published ports, played by a table of the test's own.
  const nat = [
    'table inet wwtest_nat { chain pre { type nat hook prerouting priority dstnat;',
    `ip daddr ${V4.hostExt} tcp dport 8080 dnat ip to ${V4.a}:80;`,
    `ip daddr ${V4.hostExt} udp dport 8053 dnat ip to ${V4.a}:53;`,
    `ip6 daddr ${V6.hostExt} tcp dport 8080 dnat ip6 to [${V6.a}]:80;`,
    `ip6 daddr ${V6.hostExt} udp dport 8053 dnat ip6 to [${V6.a}]:53; }; }`,
  ].join(' ');
  run(NS.host, ['nft', nat]);
}

type Expectation = readonly [name: string, agent: NetnsAgent, spec: ProbeSpec, want: ProbeOutcome];

async function expectAll(list: readonly Expectation[]): Promise<void> {
  const got = await Promise.all(
    list.map(async ([name, agent, spec, want]) => {
      const timeoutMs = want === 'replied' ? 3000 : DROP_MS;
      return [name, await agent.probe({ ...spec, timeoutMs })] as const;
    }),
  );
  assert.deepEqual(
    Object.fromEntries(got),
    Object.fromEntries(list.map(([name, , , want]) => [name, want])),
  );
}

describe('packets through whalewall table', () => {
  const agents: NetnsAgent[] = [];
  let fw: NftFirewall | undefined;
  let host: NetnsAgent;
  let a: NetnsAgent;
  let b: NetnsAgent;
  let ext: NetnsAgent;

  before(async () => {
    buildTopology();
    enterNetns(NS.host);
    fw = new NftFirewall();
    const containers = [
      {
        info: info('container1', 'a1', V4.a, V6.a, [
          ...published(80, 'tcp', 8080),
          ...published(53, 'udp', 8053),
        ]),
        rules: RULES_A,
        quarantined: false,
      },
      {
        info: info('container2', 'b2', V4.b, V6.b, [
          ...published(80, 'tcp', 9080),
          ...published(53, 'udp', 9053),
        ]),
        rules: RULES_B,
        quarantined: false,
      },
    ];
    const { desired, problems } = planRuleset(containers);
    assert.deepEqual(problems, []);
    await fw.ensureBase({});
    await fw.apply(diffRulesets(desired, EMPTY_RULESET));

    [host, a, b, ext] = [NS.host, NS.a, NS.b, NS.ext].map((ns) => new NetnsAgent(ns)) as [
      NetnsAgent,
      NetnsAgent,
      NetnsAgent,
      NetnsAgent,
    ];
    agents.push(host, a, b, ext);
    const listeners: [NetnsAgent, number][] = [
      [ext, 1000],
      [ext, 1010],
      [ext, 1011],
      [b, 7000],
      [b, 7001],
      [a, 7001],
      [a, 80],
      [a, 53],
      [b, 80],
      [b, 53],
    ];
    // UDP replies leave from the address the request reached only when bound to it.
    const hostsOf = (agent: NetnsAgent) =>
      agent === ext ? [...EXTRA4, ...EXTRA6] : ['0.0.0.0', '::'];
    const tasks = listeners.flatMap(([agent, port]) =>
      (['tcp', 'udp'] as const).flatMap((proto) =>
        hostsOf(agent).map((h) => agent.listen(proto, h, port)),
      ),
    );
    for (const h of ['127.0.0.1', '::1']) {
      for (const port of [8080, 8081]) tasks.push(host.listen('tcp', h, port));
    }
    await Promise.all(tasks);
  });

  after(() => {
    for (const agent of agents) agent.close();
    fw?.close();
    deleteNetns(...Object.values(NS));
  });

  for (const [fam, addrs, extra] of [
    ['IPv4', V4, EXTRA4],
    ['IPv6', V6, EXTRA6],
  ] as const) {
    const [first = '', last = '', beyond = ''] = extra;

    it(`${fam}: container → external host, at the edges of address and port ranges`, async () => {
      const list: Expectation[] = [];
      for (const proto of ['tcp', 'udp'] as const) {
        list.push(
          [`${proto} first addr, first port`, a, { proto, host: first, port: 1000 }, 'replied'],
          [`${proto} last addr, last port`, a, { proto, host: last, port: 1010 }, 'replied'],
          [`${proto} last port + 1`, a, { proto, host: first, port: 1011 }, 'timeout'],
          [`${proto} last addr + 1`, a, { proto, host: beyond, port: 1000 }, 'timeout'],
        );
      }
      await expectAll(list);
    });

    it(`${fam}: container → managed container, and not back`, async () => {
      await expectAll([
        ['tcp a→b 7000', a, { proto: 'tcp', host: addrs.b, port: 7000 }, 'replied'],
        ['udp a→b 7000', a, { proto: 'udp', host: addrs.b, port: 7000 }, 'replied'],
        ['tcp a→b 7001', a, { proto: 'tcp', host: addrs.b, port: 7001 }, 'timeout'],
        ['udp a→b 7001', a, { proto: 'udp', host: addrs.b, port: 7001 }, 'timeout'],
        ['tcp b→a 7001', b, { proto: 'tcp', host: addrs.a, port: 7001 }, 'timeout'],
        ['udp b→a 7001', b, { proto: 'udp', host: addrs.a, port: 7001 }, 'timeout'],
      ]);
    });

    it(`${fam}: external host → published port, from an allowed source only`, async () => {
      const to = addrs.hostExt;
      await expectAll([
        ['tcp allowed', ext, { proto: 'tcp', host: to, port: 8080, srcAddr: addrs.ext }, 'replied'],
        ['udp allowed', ext, { proto: 'udp', host: to, port: 8053, srcAddr: addrs.ext }, 'replied'],
        [
          'tcp other source',
          ext,
          { proto: 'tcp', host: to, port: 8080, srcAddr: beyond },
          'timeout',
        ],
        [
          'udp other source',
          ext,
          { proto: 'udp', host: to, port: 8053, srcAddr: beyond },
          'timeout',
        ],
      ]);
    });

    it(`${fam}: host (gateway) → container port, allowed for one container only`, async () => {
      await expectAll([
        ['tcp to b (allowed)', host, { proto: 'tcp', host: addrs.b, port: 80 }, 'replied'],
        ['udp to b (allowed)', host, { proto: 'udp', host: addrs.b, port: 53 }, 'replied'],
        ['tcp to a (denied)', host, { proto: 'tcp', host: addrs.a, port: 80 }, 'timeout'],
        ['udp to a (denied)', host, { proto: 'udp', host: addrs.a, port: 53 }, 'timeout'],
      ]);
    });
  }

  it('drops new host connections over loopback to a published port only', async () => {
    await expectAll([
      [
        '127.0.0.1:8080 (published)',
        host,
        { proto: 'tcp', host: '127.0.0.1', port: 8080 },
        'timeout',
      ],
      [
        '127.0.0.1:8081 (not published)',
        host,
        { proto: 'tcp', host: '127.0.0.1', port: 8081 },
        'replied',
      ],
      ['[::1]:8080 (published)', host, { proto: 'tcp', host: '::1', port: 8080 }, 'timeout'],
      ['[::1]:8081 (not published)', host, { proto: 'tcp', host: '::1', port: 8081 }, 'replied'],
    ]);
  });
});
