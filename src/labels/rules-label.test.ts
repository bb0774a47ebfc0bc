import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRulesLabel } from './index.ts';
import { INVALID_CASES } from './fixtures/invalid-rules.ts';
import { VALID_CASES } from './fixtures/valid-rules.ts';

describe('parseRulesLabel on valid labels', () => {
  for (const testCase of VALID_CASES) {
    it(testCase.name, () => {
      const result = parseRulesLabel(testCase.label);
      assert.deepEqual(result, { ok: true, rules: testCase.rules });
    });
  }
});

describe('parseRulesLabel on invalid labels', () => {
  for (const testCase of INVALID_CASES) {
    it(testCase.name, () => {
      const result = parseRulesLabel(testCase.label);
      assert.equal(result.ok, false, 'the label was accepted');
      const got = result.problems.map((p) => ({
        code: p.code,
        path: p.path,
        line: p.line,
        column: p.column,
      }));
      const want = testCase.problems.map(({ says: _says, ...position }) => position);
      assert.deepEqual(got, want);
      for (const [index, expected] of testCase.problems.entries()) {
        const message = result.problems[index]?.message ?? '';
        assert.ok(
          message.includes(expected.says),
          `message ${JSON.stringify(message)} lacks ${JSON.stringify(expected.says)}`,
        );
        assert.doesNotMatch(message, /^error/iu);
      }
    });
  }
});
