import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerInfo } from '../docker/types.ts';
import { DENY_ALL } from '../labels/model.ts';
import { parseRulesLabel } from '../labels/index.ts';
import { rulesetSteps } from './assemble.ts';
import { diffRulesets } from './diff.ts';
import { planRuleset } from './plan.ts';
import type { DesiredRuleset, ManagedContainer } from './ruleset.ts';

const COUNT = 40;

function rulesOf(peer: number) {
  const text = [
    'mapped_ports:',
    '  localhost:',
    `    allow: ${String(peer % 3 === 0)}`,
    'output:',
    '  - network: net',
    `    container: c-${peer}`,
    '    proto: tcp',
    '    dst_ports: [80]',
    '',
  ].join('\n');
  const parsed = parseRulesLabel(text);
  assert.ok(parsed.ok);
  return parsed.rules;
}

/**
 * Container `i`, version `v`: a new version moves its address or port, or quarantines it; a few
 * versions take the address of container 1.
 */
function container(i: number, v: number): ManagedContainer {
  const addr = v === 7 && i % 8 === 0 ? 1 : i + 100 * (v % 3);
  const info: ContainerInfo = {
    id: (0xa0000000 + i).toString(16).padEnd(64, '0'),
    name: `c-${i}`,
    labels: {},
    running: true,
    networkMode: 'net',
    networks: [
      {
        networkId: 'net',
        networkName: 'net',
        ipv4: `10.1.${addr >> 8}.${addr & 255}`,
        ...(i % 2 === 0 && { ipv6: `fd00::${addr.toString(16)}` }),
      },
    ],
    ports: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: 30000 + i + v }],
  };
  const quarantined = v % 5 === 4;
  return { info, rules: quarantined ? DENY_ALL : rulesOf((i + v) % COUNT), quarantined };
}

/** The same data as new objects, so nothing of an earlier pass is reused. */
function copied(containers: readonly ManagedContainer[]): ManagedContainer[] {
  return containers.map((m) => structuredClone(m));
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe('planRuleset across passes', () => {
  it('patches the last ruleset into what planning anew gives, with the same changes', () => {
    const next = random(7);
    const versions = new Map<number, ManagedContainer>();
    for (let i = 0; i < COUNT; i++) versions.set(i, container(i, 0));
    let patched = 0;
    let before: DesiredRuleset = planRuleset([...versions.values()]).desired;
    for (let pass = 0; pass < 300; pass++) {
      for (let k = Math.floor(next() * 3); k >= 0; k--) {
        const i = Math.floor(next() * COUNT);
        if (versions.has(i) && next() < 0.4) versions.delete(i);
        else versions.set(i, container(i, Math.floor(next() * 8)));
      }
      const containers = [...versions.values()];
      const desired = planRuleset(containers).desired;
      if (rulesetSteps.get(desired)?.from === before) patched++;
      const fresh = planRuleset(copied(containers)).desired;
      assert.deepEqual(desired, fresh);
      assert.deepEqual(diffRulesets(desired, before), diffRulesets(fresh, structuredClone(before)));
      // Planning the copies replaced the kept assembly; the next pass patches this one.
      before = planRuleset(containers).desired;
    }
    assert.ok(patched > 150, `only ${String(patched)} of 300 passes were patched`);
  });
});
