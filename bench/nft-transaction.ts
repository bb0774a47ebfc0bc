/**
 * Time of one container's transaction (chain, rules, map elements, reply rule in a peer's chain)
 * with 0, 100 and 1000 other containers' chains present. Runs in a network namespace of its own;
 * prints figures, asserts nothing. Needs root: `node bench/nft-transaction.ts`.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerInfo } from '../src/docker/types.ts';
import type { RulesConfig } from '../src/labels/model.ts';
import { NftFirewall } from '../src/nft/firewall.ts';
import {
  diffRulesets,
  EMPTY_RULESET,
  planRuleset,
  type ManagedContainer,
} from '../src/policy/index.ts';
import { createNetns, deleteNetns, enterNetns } from '../test/helpers/netns.ts';

const NS = `ww-bench-${process.pid}`;
const ROUNDS = 50;
const ACCEPT = { kind: 'accept' } as const;

function container(i: number, rules: RulesConfig): ManagedContainer {
  const info: ContainerInfo = {
    id: i.toString(16).padStart(64, '0'),
    name: `app-${i}`,
    labels: {},
    running: true,
    networkMode: 'net',
    networks: [
      {
        networkId: 'n',
        networkName: 'net',
        ipv4: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        ipv6: `fd00::${i.toString(16)}`,
        gatewayV4: '10.0.0.1',
        gatewayV6: 'fd00::1',
      },
    ],
    ports: [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 10000 + i }],
  };
  return { info, rules, quarantined: false };
}

/** Ten rules or so per container: HTTPS and DNS out, a peer, published port from outside. */
function rulesFor(peer: number): RulesConfig {
  return {
    localhost: { allow: false, verdict: ACCEPT },
    external: { allow: true, verdict: ACCEPT },
    output: [
      { path: 'output[0]', proto: 'tcp', dstPorts: [{ from: 443, to: 443 }], verdict: ACCEPT },
      { path: 'output[1]', proto: 'udp', dstPorts: [{ from: 53, to: 53 }], verdict: ACCEPT },
      { path: 'output[2]', container: `app-${peer}`, network: 'net', verdict: ACCEPT },
    ],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function measure(fw: NftFirewall, others: number): Promise<void> {
  await fw.clear();
  await fw.ensureBase({});
  const background = [...Array(others).keys()].map((i) => container(i + 2, rulesFor(i + 3)));
  const base = planRuleset(background).desired;
  await fw.apply(diffRulesets(base, EMPTY_RULESET));
  const subject = container(1, rulesFor(2));
  const withSubject = planRuleset([...background, subject]).desired;
  const start = diffRulesets(withSubject, base);
  const stop = diffRulesets(base, withSubject);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    await fw.apply(start);
    times.push(performance.now() - t0);
    await fw.apply(stop);
  }
  const t0 = performance.now();
  await fw.readApplied();
  const read = performance.now() - t0;
  console.log(
    `${String(others).padStart(5)} other containers: start transaction median ${median(times).toFixed(3)} ms` +
      ` (max ${Math.max(...times).toFixed(3)}), read-back ${read.toFixed(1)} ms`,
  );
}

createNetns(NS);
try {
  enterNetns(NS);
  const fw = new NftFirewall();
  for (const others of [0, 100, 1000]) await measure(fw, others);
  fw.close();
} finally {
  deleteNetns(NS);
}
