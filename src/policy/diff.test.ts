import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffRulesets, isEmptyChangeSet } from './diff.ts';
import {
  ACCEPT,
  c1,
  c2,
  C1,
  C2,
  container,
  ID3,
  managed,
  NET4,
  ports,
  rules,
} from './fixtures/containers.ts';
import { planRuleset } from './plan.ts';
import { EMPTY_RULESET } from './ruleset.ts';

const https = { path: 'output[0]', proto: 'tcp' as const, dstPorts: ports(443), verdict: ACCEPT };
const toC2 = { path: 'output[1]', container: 'container2', network: 'cont_net', verdict: ACCEPT };

function plan(...list: Parameters<typeof planRuleset>[0]) {
  return planRuleset(list).desired;
}

describe('diffRulesets', () => {
  it('returns an empty change set for equal rulesets, whatever the input order', () => {
    const a = plan(c1(NET4, rules({ output: [https, toC2] })), c2(NET4, rules({})));
    const b = plan(c2(NET4, rules({})), c1(NET4, rules({ output: [https, toC2] })));
    assert.ok(isEmptyChangeSet(diffRulesets(a, b)));
    assert.ok(isEmptyChangeSet(diffRulesets(JSON.parse(JSON.stringify(a)) as typeof a, b)));
  });

  it('adds every chain and element to an empty table', () => {
    const desired = plan(c1(NET4, rules({})), c2(NET4, rules({})));
    const change = diffRulesets(desired, EMPTY_RULESET);
    assert.deepEqual(
      change.addChains.map((c) => c.name),
      [C1, C2],
    );
    assert.deepEqual(
      change.addElements.map((e) => e.addr),
      ['172.0.1.2', '172.0.1.3'],
    );
  });

  it('replaces the peer chain too when a container starts whose rule names the peer', () => {
    const before = plan(c2(NET4, rules({})));
    const after = plan(c1(NET4, rules({ output: [toC2] })), c2(NET4, rules({})));
    const change = diffRulesets(after, before);
    assert.deepEqual(
      change.addChains.map((c) => c.name),
      [C1],
    );
    assert.deepEqual(
      change.replaceChains.map((c) => c.name),
      [C2],
    );
    assert.deepEqual(change.deleteChains, []);
  });

  it('removes the reply rules from the peer when the container stops', () => {
    const before = plan(c1(NET4, rules({ output: [toC2] })), c2(NET4, rules({})));
    const after = plan(c2(NET4, rules({})));
    const change = diffRulesets(after, before);
    assert.deepEqual(change.deleteChains, [C1]);
    assert.deepEqual(
      change.replaceChains.map((c) => [c.name, c.rules.length]),
      [[C2, 1]],
    );
    assert.deepEqual(
      change.deleteElements.map((e) => e.addr),
      ['172.0.1.2'],
    );
  });

  it('moves a reused address to the new container in one change', () => {
    const before = plan(c1(NET4, rules({})));
    const reuser = container({ net: NET4, id: ID3, name: 'container3', addr: '172.0.1.2' });
    const after = plan(managed(reuser, rules({})));
    const change = diffRulesets(after, before);
    assert.deepEqual(
      change.deleteElements.map((e) => [e.addr, e.chain]),
      [['172.0.1.2', C1]],
    );
    assert.deepEqual(
      change.addElements.map((e) => e.addr),
      ['172.0.1.2'],
    );
    assert.notEqual(change.addElements[0]?.chain, C1);
  });

  it('replaces the localhost chain only when its rules change', () => {
    const a = plan(
      c1(NET4, rules({}), [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8080 }]),
    );
    const b = plan(
      c1(NET4, rules({}), [{ containerPort: 80, proto: 'tcp', hostIp: '0.0.0.0', hostPort: 8081 }]),
    );
    assert.equal(diffRulesets(a, b).localhost?.length, 1);
    assert.equal(diffRulesets(a, a).localhost, undefined);
  });
});
