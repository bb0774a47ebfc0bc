import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStateStore } from './store.ts';
import type { ContainerRecord, StateStore } from './types.ts';

const ID = '9c2e41d0a7b3'.padEnd(64, '0');
const NEW_ID = '5'.repeat(64);

function at(hhmm: string): string {
  return `2026-12-03T${hhmm}:00.000Z`;
}

function web(time: string, ruleCount: number, overrides: Partial<ContainerRecord> = {}) {
  const rec: ContainerRecord = {
    id: ID,
    name: 'web',
    status: 'enforced',
    reasons: [],
    addrs: ['10.0.0.2'],
    ruleCount,
    applied: JSON.stringify({ rules: ruleCount }),
    updatedAt: at(time),
    ...overrides,
  };
  return rec;
}

describe('StateStore history', () => {
  let root: string;
  let store: StateStore;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'ww-history-'));
    store = openStateStore(root);
    store.saveContainer(web('13:00', 2));
    store.saveContainer(web('14:00', 4));
    store.saveContainer(web('14:05', 0, { status: 'quarantined' }));
    store.saveContainer(web('14:10', 6, { name: 'web-renamed' }));
    store.removeContainer(ID, at('15:00'));
    store.saveContainer(web('16:00', 1, { id: NEW_ID }));
  });
  after(() => {
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers what rules a container had at a given time', () => {
    const [at1402] = store.historyOf('web', { until: at('14:02'), limit: 1 });
    assert.equal(at1402?.ruleCount, 4);
    assert.equal(at1402.applied, '{"rules":4}');
    assert.equal(at1402.kind, 'applied');
  });

  it('accepts the time with any UTC offset', () => {
    const [entry] = store.historyOf('web', { until: '2026-12-03T15:07:00+01:00', limit: 1 });
    assert.equal(entry?.kind, 'rejected');
  });

  it('finds a renamed container by its old name, new name, ID and ID prefix', () => {
    const byOld = store.historyOf('web', { until: at('14:30') }).map((h) => h.ruleCount);
    const byNew = store.historyOf('web-renamed', { until: at('14:30') }).map((h) => h.ruleCount);
    const byPrefix = store.historyOf('9c2e41d0a7b3').map((h) => h.kind);
    assert.deepEqual(byOld, [6, 0, 4, 2]);
    assert.deepEqual(byNew, byOld);
    assert.deepEqual(byPrefix, ['removed', 'applied', 'rejected', 'applied', 'applied']);
  });

  it('shows a later container that reused the name after the first was removed', () => {
    const [latest] = store.historyOf('web', { limit: 1 });
    assert.equal(latest?.containerId, NEW_ID);
    const [before16] = store.historyOf('web', { until: at('15:30'), limit: 1 });
    assert.equal(before16?.kind, 'removed');
  });

  it('returns nothing before the first change and nothing for a short prefix', () => {
    assert.deepEqual(store.historyOf('web', { until: at('12:00') }), []);
    assert.deepEqual(store.historyOf('9c2e'), []);
  });

  it('prunes entries older than a time', () => {
    assert.equal(store.pruneHistory(at('14:01')), 2);
    assert.deepEqual(
      store.historyOf(ID).map((h) => h.at),
      [at('15:00'), at('14:10'), at('14:05')],
    );
  });
});
