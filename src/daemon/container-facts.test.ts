import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerFacts, actionFor, type FactSource } from './container-facts.ts';
import type { ContainerInfo } from '../docker/types.ts';

function container(id: string, ipv4?: string): ContainerInfo {
  return {
    id,
    name: `c-${id}`,
    labels: {},
    running: ipv4 !== undefined,
    networkMode: 'bridge',
    networks: ipv4 === undefined ? [] : [{ networkId: 'n1', networkName: 'bridge', ipv4 }],
    ports: [],
  };
}

/** A Docker stand-in whose inspect answers only when the test releases it. */
class ManualSource implements FactSource {
  readonly world = new Map<string, ContainerInfo>();
  readonly #waiting: (() => void)[] = [];

  inspect(id: string): Promise<ContainerInfo | undefined> {
    const answer = this.world.get(id);
    return new Promise((resolve) =>
      this.#waiting.push(() => {
        resolve(answer);
      }),
    );
  }

  listRunning(): Promise<readonly ContainerInfo[]> {
    return Promise.resolve([...this.world.values()].filter((c) => c.running));
  }

  async releaseAll(): Promise<void> {
    for (const release of this.#waiting.splice(0)) release();
    await new Promise((r) => setImmediate(r));
  }
}

function ids(facts: ContainerFacts): string[] {
  return facts.snapshot().map((c) => c.id);
}

describe('ContainerFacts', () => {
  it('maps container and network events to refresh or forget', () => {
    const event = (type: 'container' | 'network', action: string) => ({
      type,
      action,
      containerId: 'abc',
    });
    assert.equal(actionFor(event('container', 'start')), 'refresh');
    assert.equal(actionFor(event('container', 'rename')), 'refresh');
    assert.equal(actionFor(event('container', 'die')), 'forget');
    assert.equal(actionFor(event('container', 'destroy')), 'forget');
    assert.equal(actionFor(event('network', 'connect')), 'refresh');
    assert.equal(actionFor(event('network', 'disconnect')), 'refresh');
    assert.equal(actionFor(event('container', 'exec_start')), 'ignore');
  });

  it('announces no change before the first full listing', async () => {
    const source = new ManualSource();
    let changes = 0;
    const facts = new ContainerFacts(source, () => changes++, assert.ifError);
    source.world.set('a', container('a', '10.0.0.2'));
    facts.handle({ type: 'container', action: 'start', containerId: 'a' });
    await source.releaseAll();
    assert.equal(changes, 0);
    assert.equal(facts.ready, false);
    await facts.resync();
    assert.equal(changes, 1);
    assert.equal(facts.ready, true);
  });

  it('learns a started container once its inspect returns', async () => {
    const source = new ManualSource();
    let changes = 0;
    const facts = new ContainerFacts(source, () => changes++, assert.ifError);
    await facts.resync();
    changes = 0;
    source.world.set('a', container('a', '10.0.0.2'));
    facts.handle({ type: 'container', action: 'start', containerId: 'a' });
    assert.deepEqual(ids(facts), []);
    await source.releaseAll();
    assert.deepEqual(ids(facts), ['a']);
    assert.equal(changes, 1);
  });

  it('discards the inspect of a start that a die overtook', async () => {
    const source = new ManualSource();
    const facts = new ContainerFacts(source, () => undefined, assert.ifError);
    source.world.set('a', container('a', '10.0.0.2'));
    facts.handle({ type: 'container', action: 'start', containerId: 'a' });
    facts.handle({ type: 'container', action: 'die', containerId: 'a' });
    await source.releaseAll();
    assert.deepEqual(ids(facts), []);
  });

  it('keeps an event that arrived while a resync was listing', async () => {
    const source = new ManualSource();
    const facts = new ContainerFacts(source, () => undefined, assert.ifError);
    source.world.set('a', container('a', '10.0.0.2'));
    await facts.resync();
    assert.deepEqual(ids(facts), ['a']);

    const listing = facts.resync();
    facts.handle({ type: 'container', action: 'die', containerId: 'a' });
    await listing;
    assert.deepEqual(ids(facts), [], 'the resync brought back a container that had died');
  });

  it('drops containers a resync no longer lists', async () => {
    const source = new ManualSource();
    const facts = new ContainerFacts(source, () => undefined, assert.ifError);
    source.world.set('a', container('a', '10.0.0.2'));
    source.world.set('b', container('b', '10.0.0.3'));
    await facts.resync();
    source.world.delete('a');
    await facts.resync();
    assert.deepEqual(ids(facts), ['b']);
  });

  it('forgets a container whose disconnect left it without addresses', async () => {
    const source = new ManualSource();
    const facts = new ContainerFacts(source, () => undefined, assert.ifError);
    source.world.set('a', container('a', '10.0.0.2'));
    await facts.resync();
    source.world.set('a', container('a'));
    facts.handle({ type: 'network', action: 'disconnect', containerId: 'a' });
    await source.releaseAll();
    assert.deepEqual(ids(facts), []);
  });
});
