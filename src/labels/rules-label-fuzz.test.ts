import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRulesLabel, readContainerLabels, type LabelProblem } from './index.ts';
import { generateLabel, mutateLabel, seededRandom } from './fixtures/fuzz-corpus.ts';

const SEED = 0x5eed2;
const GENERATED = 6000;
const MUTATED = 6000;
const TIME_LIMIT_MS = 60_000;

function assertLocated(problem: LabelProblem, text: string): void {
  const lines = text.split('\n');
  const lineText = lines[problem.line - 1];
  assert.equal(typeof problem.path, 'string');
  assert.ok(lineText !== undefined, `line ${problem.line} is outside the label`);
  assert.ok(
    problem.column >= 1 && problem.column <= lineText.length + 1,
    `column ${problem.column} is outside line ${problem.line}`,
  );
  assert.ok(problem.length >= 1);
  assert.ok(problem.message.length > 0 && !/^error/iu.test(problem.message));
}

describe('label parsing under fuzzing', () => {
  it(`never throws and locates every problem in ${GENERATED + MUTATED} generated and mutated labels`, (t) => {
    const random = seededRandom(SEED);
    const started = Date.now();
    const tally = { accepted: 0, rejected: 0, problems: 0 };
    for (let i = 0; i < GENERATED + MUTATED; i++) {
      const base = generateLabel(random);
      const text = i < GENERATED ? base : mutateLabel(random, base);
      const result = parseRulesLabel(text);
      if (result.ok) {
        tally.accepted++;
        continue;
      }
      tally.rejected++;
      assert.ok(result.problems.length > 0, `rejected without a problem: ${JSON.stringify(text)}`);
      for (const problem of result.problems) assertLocated(problem, text);
      tally.problems += result.problems.length;
    }
    t.diagnostic(`fuzz ${JSON.stringify(tally)} in ${Date.now() - started} ms`);
    assert.ok(Date.now() - started < TIME_LIMIT_MS, 'fuzzing took too long');
    assert.ok(
      tally.accepted > 500 && tally.rejected > 5000,
      `too one-sided: ${JSON.stringify(tally)}`,
    );
  });

  it('never throws on arbitrary enabled values', () => {
    const random = seededRandom(SEED + 1);
    for (let i = 0; i < 2000; i++) {
      const labels = {
        'whalewall.enabled': mutateLabel(random, random() < 0.5 ? 'true' : 'no'),
        'whalewall.rules': generateLabel(random),
      };
      const result = readContainerLabels(labels);
      if (result.kind !== 'invalid') continue;
      for (const problem of result.problems) assertLocated(problem, labels[problem.label]);
    }
  });
});
