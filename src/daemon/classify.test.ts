import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerInfo } from '../docker/types.ts';
import { classifyContainer } from './classify.ts';

function info(labels: Record<string, string>, networkMode = 'bridge'): ContainerInfo {
  return {
    id: 'f'.repeat(64),
    name: 'web',
    labels,
    running: true,
    networkMode,
    networks: [],
    ports: [],
  };
}

const ENABLED = { 'whalewall.enabled': 'yes' };

describe('classifyContainer', () => {
  it('leaves a container alone unless whalewall.enabled is true', () => {
    assert.equal(classifyContainer(info({})).kind, 'unmanaged');
    assert.equal(classifyContainer(info({ 'whalewall.enabled': 'false' })).kind, 'unmanaged');
  });

  it('manages an enabled container without rules as deny-all, not quarantined', () => {
    const c = classifyContainer(info(ENABLED));
    assert.ok(c.kind === 'managed');
    assert.equal(c.container.quarantined, false);
    assert.deepEqual(c.container.rules.output, []);
  });

  it('calls a host-network container unfilterable, with a reason', () => {
    const c = classifyContainer(info(ENABLED, 'host'));
    assert.ok(c.kind === 'unfilterable');
    assert.equal(c.reasons[0]?.code, 'WARN_HOST_NETWORK');
  });

  it('quarantines on invalid rules and keeps every problem with its place', () => {
    const rules = 'output:\n  - proto: sctp\n    dst_ports: [0]\n';
    const c = classifyContainer(info({ ...ENABLED, 'whalewall.rules': rules }));
    assert.ok(c.kind === 'managed');
    assert.equal(c.container.quarantined, true);
    const places = c.reasons.map(
      (r) => `${r.code} ${r.path ?? ''} ${r.line ?? 0}:${r.column ?? 0}`,
    );
    assert.deepEqual(places, [
      'ERR_LABEL_VALUE output[0].proto 2:12',
      'ERR_LABEL_VALUE output[0].dst_ports[0] 3:17',
    ]);
  });

  it('keeps a container quarantined while the kernel rejection sticks', () => {
    const reason = { code: 'ERR_NFT_APPLY', message: 'rejected' };
    const c = classifyContainer(info(ENABLED), reason);
    assert.ok(c.kind === 'managed');
    assert.equal(c.container.quarantined, true);
    assert.deepEqual(c.reasons, [reason]);
  });
});
