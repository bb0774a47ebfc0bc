/**
 * Scenario 4: what a packet pays. Two namespaces stand in for two managed containers (A sends to
 * B through a router namespace, whose `forward` hook holds the rules): TCP throughput with iperf3
 * and a request rate (one TCP connection per request) with no firewall, with whalewall's table
 * for A, B and 0, 98 or 998 other containers, and with the same rules as one linear chain.
 * The test image has no iperf3, so namespaces replace Docker containers here.
 *
 * Usage: node bench/scenarios/datapath.ts [--quick]; prints one JSON document.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInfo } from '../../src/docker/types.ts';
import { classifyContainer } from '../../src/daemon/classify.ts';
import { renderEnsureBase } from '../../src/nft/base.ts';
import { renderChangeSet, ruleExprs } from '../../src/nft/render.ts';
import { diffRulesets, EMPTY_RULESET, planRuleset } from '../../src/policy/index.ts';
import type { DesiredRuleset } from '../../src/policy/index.ts';
import {
  addAddress,
  addRoute,
  addVeth,
  createNetns,
  deleteNetns,
  enableForwarding,
  run,
} from '../../test/helpers/netns.ts';
import { percentile, sleep } from '../lib/stats.ts';
import { syntheticInfos } from '../lib/synthetic.ts';

const QUICK = process.argv.includes('--quick');
const TAG = `wwbench-dp${process.pid % 1000}`;
const [R, A, B] = [`${TAG}-r`, `${TAG}-a`, `${TAG}-b`];
const [ADDR_A, ADDR_B] = ['10.250.1.2', '10.250.2.2'];
const RR = new URL('../lib/rr.ts', import.meta.url).pathname;
const PORTS = { iperf: 5201, rr: 5300 };

function standIn(name: string, addr: string, rules: string): ContainerInfo {
  return {
    id: (name === 'a' ? 'a' : 'b').repeat(64),
    name: `wwbench-dp-${name}`,
    labels: { 'whalewall.enabled': 'true', 'whalewall.rules': rules },
    running: true,
    networkMode: 'wwbench-dp',
    networks: [
      {
        networkId: 'wwbench-dp',
        networkName: 'wwbench-dp',
        ipv4: addr,
        gatewayV4: addr.replace(/\.2$/u, '.1'),
      },
    ],
    ports: [],
  };
}

const TO_B = `output:\n  - network: wwbench-dp\n    container: wwbench-dp-b\n    proto: tcp\n    dst_ports: [${PORTS.iperf}, ${PORTS.rr}]\n`;

function desiredFor(others: number): DesiredRuleset {
  const infos = [
    standIn('a', ADDR_A, TO_B),
    standIn('b', ADDR_B, 'output: []\n'),
    ...syntheticInfos(others),
  ];
  const managed = infos.flatMap((i) => {
    const c = classifyContainer(i);
    return c.kind === 'managed' ? [c.container] : [];
  });
  return planRuleset(managed).desired;
}

/** Every container's rules in one base chain, A's and B's last; each block ends in its drop. */
function linearChain(desired: DesiredRuleset): unknown[] {
  const table = { family: 'inet', table: 'wwbench-linear' };
  const order = [...desired.chains].sort((x) => (x.name.includes('wwbench-dp-') ? 1 : -1));
  const addrOf = new Map(
    desired.elements.filter((e) => e.family === 'ip').map((e) => [e.chain, e.addr]),
  );
  const rules = order.flatMap((chain) => {
    const addr = addrOf.get(chain.name) ?? '0.0.0.0';
    return chain.rules.map((rule) => {
      const own =
        rule.saddr === undefined && rule.daddr === undefined
          ? [
              {
                match: {
                  op: '==',
                  left: { payload: { protocol: 'ip', field: 'saddr' } },
                  right: addr,
                },
              },
            ]
          : [];
      return {
        add: {
          rule: { ...table, chain: 'forward', expr: [...own, ...ruleExprs(rule)] },
        },
      };
    });
  });
  const chain = {
    ...table,
    name: 'forward',
    type: 'filter',
    hook: 'forward',
    prio: -10,
    policy: 'accept',
  };
  return [
    { add: { table: { family: 'inet', name: 'wwbench-linear' } } },
    { add: { chain } },
    ...rules,
  ];
}

function load(commands: unknown[], dir: string): void {
  run(R, ['nft', 'flush', 'ruleset']);
  if (commands.length === 0) return;
  const file = join(dir, 'ruleset.json');
  writeFileSync(file, JSON.stringify({ nftables: commands }));
  execFileSync('ip', ['netns', 'exec', R, 'nft', '-j', '-f', file], { timeout: 120_000 });
}

function iperf(seconds: number): number {
  const out = run(A, ['iperf3', '-c', ADDR_B, '-t', String(seconds), '-J']);
  const doc = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return doc.end.sum_received.bits_per_second / 1e9;
}

function requestRate(seconds: number): number {
  const out = run(A, [process.execPath, RR, 'run', ADDR_B, String(PORTS.rr), String(seconds)]);
  return (JSON.parse(out) as { perSecond: number }).perSecond;
}

function wire(): void {
  createNetns(R);
  createNetns(A);
  createNetns(B);
  addVeth({ ns: R, dev: 'to-a' }, { ns: A, dev: 'eth0' });
  addVeth({ ns: R, dev: 'to-b' }, { ns: B, dev: 'eth0' });
  addAddress(R, 'to-a', '10.250.1.1/24');
  addAddress(R, 'to-b', '10.250.2.1/24');
  addAddress(A, 'eth0', `${ADDR_A}/24`);
  addAddress(B, 'eth0', `${ADDR_B}/24`);
  addRoute(A, '10.250.2.0/24', '10.250.1.1');
  addRoute(B, '10.250.1.0/24', '10.250.2.1');
  enableForwarding(R);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'wwbench-dp-'));
  wire();
  const servers = [
    spawn('ip', ['netns', 'exec', B, 'iperf3', '-s'], { stdio: 'ignore' }),
    spawn('ip', ['netns', 'exec', B, process.execPath, RR, 'serve', String(PORTS.rr)], {
      stdio: 'ignore',
    }),
  ];
  try {
    await sleep(1500);
    const seconds = QUICK ? 1 : 3;
    const runs = QUICK ? 1 : 3;
    const configs: { name: string; containers: number; commands: () => unknown[] }[] = [
      { name: 'no firewall', containers: 0, commands: () => [] },
    ];
    for (const others of [0, 98, 998]) {
      const desired = desiredFor(others);
      configs.push({
        name: 'whalewall',
        containers: others + 2,
        commands: () => [
          ...renderEnsureBase(),
          ...renderChangeSet(diffRulesets(desired, EMPTY_RULESET)),
        ],
      });
      configs.push({
        name: 'linear chain',
        containers: others + 2,
        commands: () => linearChain(desired),
      });
    }
    const results = [];
    for (const config of configs) {
      load(config.commands(), dir);
      const gbits = [...Array(runs).keys()].map(() => iperf(seconds));
      const rps = [...Array(runs).keys()].map(() => requestRate(seconds));
      results.push({
        name: config.name,
        containers: config.containers,
        gbitPerSecond: percentile(gbits, 50),
        requestsPerSecond: percentile(rps, 50),
      });
    }
    process.stdout.write(`${JSON.stringify({ results })}\n`);
  } finally {
    for (const s of servers) s.kill();
    deleteNetns(A, B, R);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
