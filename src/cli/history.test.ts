import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryRecord } from '../state/types.ts';
import { parseAt } from './history.ts';
import { renderAppliedAt, renderHistoryLines } from './history-view.ts';

const APPLIED: HistoryRecord = {
  at: '2026-12-03T14:01:10.000Z',
  containerId: 'c'.repeat(64),
  containerName: 'api',
  kind: 'applied',
  status: 'enforced',
  ruleCount: 2,
  reasons: [],
  applied: JSON.stringify({
    chain: {
      name: 'whalewall-api-cccccccccccc',
      rules: [
        {
          comment: 'api output[0]',
          family: 'ip',
          saddr: [{ from: '10.0.0.2', to: '10.0.0.2' }],
          proto: 'tcp',
          dport: [{ from: 443, to: 443 }],
          state: 'new,established',
          verdict: { kind: 'accept' },
        },
        {
          comment: 'api drop',
          logPrefix: 'whalewall-api-cccccccccccc drop: ',
          verdict: { kind: 'drop' },
        },
      ],
    },
    elements: [{ family: 'ip', addr: '10.0.0.2', chain: 'whalewall-api-cccccccccccc' }],
  }),
};

describe('whalewall history', () => {
  it('reads a clock time as that time today in UTC, and ISO times as given', () => {
    const now = new Date('2026-12-03T18:00:00Z');
    assert.equal(parseAt('14:02', now), '2026-12-03T14:02:00.999Z');
    assert.equal(parseAt('2026-12-01T08:30:00+01:00', now), '2026-12-01T07:30:00.000Z');
    assert.equal(parseAt('yesterday', now), undefined);
  });

  it('prints the chain and addresses a container had, as nft would', () => {
    const text = renderAppliedAt(APPLIED);
    assert.match(text, /^api \(cccccccccccc\) at 2026-12-03T14:01:10.000Z: applied, enforced/);
    assert.match(text, /10\.0\.0\.2 -> whalewall-api-cccccccccccc/);
    assert.match(text, /ip saddr 10\.0\.0\.2 tcp dport 443 .*accept comment "api output\[0\]"/);
    assert.match(text, /drop comment "api drop"/);
  });

  it('shows no rules for a container that had been released', () => {
    const { status: _status, ...rest } = APPLIED;
    const text = renderAppliedAt({ ...rest, kind: 'removed' });
    assert.match(text, /no rules: whalewall had released it/);
    assert.doesNotMatch(text, /chain whalewall-api/);
  });

  it('lists each change on a line, newest first as given', () => {
    const lines = renderHistoryLines([
      { ...APPLIED, kind: 'removed', at: '2026-12-03T15:00:00.000Z' },
      APPLIED,
    ]);
    assert.deepEqual(
      lines
        .trim()
        .split('\n')
        .map((l) => l.split('  ')[1]),
      ['removed enforced', 'applied enforced'],
    );
  });
});
