import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASES } from './fixtures/cases.ts';
import { NET4, NET6 } from './fixtures/containers.ts';
import { planRuleset } from './plan.ts';
import { ruleText } from './rule-text.ts';

function chainTexts(result: ReturnType<typeof planRuleset>) {
  return Object.fromEntries(
    result.desired.chains.map((c) => [c.name, c.rules.map(ruleText)] as const),
  );
}

for (const net of [NET4, NET6]) {
  describe(`planRuleset (${net.ip === 'ip' ? 'IPv4' : 'IPv6'})`, () => {
    for (const spec of CASES) {
      it(`compiles "${spec.name}"`, () => {
        const c = spec.build(net);
        const result = planRuleset(c.containers, c.options);
        assert.deepEqual(chainTexts(result), c.chains);
        assert.deepEqual(result.desired.localhost.map(ruleText), c.localhost ?? []);
        assert.deepEqual(
          result.problems.map((p) => p.code),
          c.problems ?? [],
        );
      });
    }
  });
}
