import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readContainerLabels } from './index.ts';
import { DENY_ALL } from './model.ts';
import { ENABLED_FALSE, ENABLED_INVALID, ENABLED_TRUE } from './fixtures/enabled-values.ts';

describe('readContainerLabels', () => {
  it('leaves containers without whalewall.enabled unmanaged, whatever their rules', () => {
    assert.deepEqual(readContainerLabels({}), { kind: 'unmanaged' });
    assert.deepEqual(readContainerLabels({ 'whalewall.rules': 'output: 5' }), {
      kind: 'unmanaged',
    });
  });

  it('treats every accepted spelling of true as enabled', () => {
    for (const value of ENABLED_TRUE) {
      assert.equal(readContainerLabels({ 'whalewall.enabled': value }).kind, 'enabled', value);
    }
  });

  it('treats every accepted spelling of false as unmanaged, even with broken rules', () => {
    for (const value of ENABLED_FALSE) {
      const labels = { 'whalewall.enabled': value, 'whalewall.rules': '[' };
      assert.deepEqual(readContainerLabels(labels), { kind: 'unmanaged' }, value);
    }
  });

  it('fails closed on any other enabled value and says which spellings work', () => {
    for (const value of ENABLED_INVALID) {
      const result = readContainerLabels({ 'whalewall.enabled': value });
      assert.equal(result.kind, 'invalid', value);
      const [problem] = result.problems;
      assert.equal(problem?.code, 'ERR_LABEL_ENABLED');
      assert.equal(problem.label, 'whalewall.enabled');
      assert.match(problem.message, /must be true or false, got ".*"; write true, yes, on or y/u);
    }
  });

  it('denies everything for an enabled container without rules', () => {
    assert.deepEqual(readContainerLabels({ 'whalewall.enabled': 'true' }), {
      kind: 'enabled',
      rules: DENY_ALL,
    });
  });

  it('returns the rules of an enabled container', () => {
    const labels = { 'whalewall.enabled': 'yes', 'whalewall.rules': 'output:\n  - proto: icmp\n' };
    const result = readContainerLabels(labels);
    assert.equal(result.kind, 'enabled');
    assert.equal(result.rules.output[0]?.proto, 'icmp');
  });

  it('fails closed on invalid rules of an enabled container, with every problem', () => {
    const labels = {
      'whalewall.enabled': 'true',
      'whalewall.rules': 'output:\n  - dst_ports: [0]\n',
    };
    const result = readContainerLabels(labels);
    assert.equal(result.kind, 'invalid');
    assert.deepEqual(
      result.problems.map((p) => [p.label, p.path]),
      [
        ['whalewall.rules', 'output[0].dst_ports[0]'],
        ['whalewall.rules', 'output[0].dst_ports'],
      ],
    );
  });
});
