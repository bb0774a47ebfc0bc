import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRulesLabel, renderProblem } from './index.ts';

describe('renderProblem', () => {
  it('shows the line and puts a caret under the offending value', () => {
    const text = 'output:\n  - proto: tcp\n    dst_ports: [80, 70000]\n';
    const result = parseRulesLabel(text);
    assert.equal(result.ok, false);
    assert.ok(result.problems[0] !== undefined);
    const rendered = renderProblem(
      result.problems[0],
      text,
      'whalewall.rules of api-1, output[0].dst_ports[1], line 3 column 21',
    );
    assert.equal(
      rendered,
      [
        'whalewall.rules of api-1, output[0].dst_ports[1], line 3 column 21:',
        '  port 70000 is outside 1-65535',
        ' 3 |     dst_ports: [80, 70000]',
        '   |                     ^^^^^',
        '',
      ].join('\n'),
    );
  });

  it('keeps tabs so the caret lines up in a terminal', () => {
    const problem = { line: 1, column: 3, length: 2, message: 'm' };
    const rendered = renderProblem(problem, '\tx ab', 'h');
    assert.ok(rendered.endsWith(' 1 | \tx ab\n   | \t ^^\n'));
  });
});
